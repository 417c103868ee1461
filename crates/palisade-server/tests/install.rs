//! `palisade install` output: valid YAML that round-trips to the objects,
//! wired consistently, and clean under Palisade's own scan.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use palisade_server::install::{self, InstallOptions, Tls};
use serde_json::Value;

const PINNED: &str = "ghcr.io/palisade-dev/palisade@sha256:0123456789012345678901234567890123456789012345678901234567890123";

fn options(tls: Tls, image: &str) -> InstallOptions {
    InstallOptions {
        namespace: "palisade".to_string(),
        image: image.to_string(),
        replicas: 2,
        failure_policy: "Fail".to_string(),
        timeout_seconds: 5,
        exempt_namespaces: vec!["kube-system".to_string()],
        mutate_label: "palisade.dev/mutate".to_string(),
        config_yaml: "admission:\n  namespace: palisade\n".to_string(),
        tls,
    }
}

fn generated() -> Tls {
    Tls::Generated(
        palisade_server::pki::generate(
            "test-ca",
            &install::dns_names("palisade"),
            (2026, 11, 21),
            30,
        )
        .unwrap(),
    )
}

fn cert_manager() -> Tls {
    Tls::CertManager {
        issuer: "ca-issuer".to_string(),
        kind: "ClusterIssuer".to_string(),
    }
}

fn parse(text: &str) -> Vec<Value> {
    let stream = palisade_yaml::parse_stream(text, &palisade_yaml::Limits::default());
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    stream
        .documents
        .iter()
        .map(|d| palisade_admission::offline::to_json(&d.root))
        .collect()
}

#[test]
fn the_yaml_round_trips_to_the_objects() {
    for tls in [generated(), cert_manager()] {
        let o = options(tls, PINNED);
        assert_eq!(parse(&install::render(&o)), install::objects(&o));
    }
}

#[test]
fn palisade_scans_its_own_install_clean() {
    for (tls, image, suppressed) in [
        (cert_manager(), PINNED, 0),
        // A generated key travels in a Secret (suppressed with its reason).
        (generated(), PINNED, 1),
        // An image by tag is reported, suppressed, with how to pin it.
        (cert_manager(), "ghcr.io/palisade-dev/palisade:0.1.0", 1),
    ] {
        let text = install::render(&options(tls, image));
        let report = palisade_engine::scan(
            vec![palisade_engine::Source::memory(
                "install.yaml",
                text.into_bytes(),
            )],
            &palisade_core::Config::default(),
            &|_| {},
        );
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let open: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .collect();
        assert!(open.is_empty(), "{open:#?}");
        assert_eq!(report.findings.len(), suppressed, "{:#?}", report.findings);
        assert!(report.stats.objects >= 13);
    }
}

#[test]
fn webhooks_are_wired_to_the_service_with_the_ca_and_exemptions() {
    let tls = generated();
    let Tls::Generated(pki) = &tls else {
        unreachable!()
    };
    let ca = pki.ca_pem.clone();
    let objects = install::objects(&options(tls, PINNED));
    let find = |kind: &str| objects.iter().find(|o| o["kind"] == kind).unwrap().clone();
    let validating = find("ValidatingWebhookConfiguration");
    let hook = &validating["webhooks"][0];
    assert_eq!(hook["failurePolicy"], "Fail");
    assert_eq!(hook["sideEffects"], "None");
    assert_eq!(
        hook["admissionReviewVersions"],
        serde_json::json!(["v1", "v1beta1"])
    );
    assert_eq!(hook["clientConfig"]["service"]["path"], "/validate");
    use base64::Engine as _;
    let bundle = base64::engine::general_purpose::STANDARD
        .decode(hook["clientConfig"]["caBundle"].as_str().unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(bundle).unwrap(), ca);
    let exempt = &hook["namespaceSelector"]["matchExpressions"][0];
    assert_eq!(exempt["operator"], "NotIn");
    assert_eq!(
        exempt["values"],
        serde_json::json!(["kube-system", "palisade"])
    );

    let mutating = find("MutatingWebhookConfiguration");
    assert_eq!(mutating["webhooks"][0]["failurePolicy"], "Ignore");
    assert_eq!(
        mutating["webhooks"][0]["namespaceSelector"]["matchExpressions"][1]["key"],
        "palisade.dev/mutate"
    );

    let deployment = find("Deployment");
    assert!(deployment["spec"]["replicas"].as_u64().unwrap() >= 2);
    let role = find("ClusterRole");
    assert_eq!(
        role["rules"],
        serde_json::json!([{"apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "watch"]}])
    );

    // cert-manager mode: no Secret, a Certificate, and CA injection.
    let cm = install::objects(&options(cert_manager(), PINNED));
    assert!(cm.iter().all(|o| o["kind"] != "Secret"));
    assert!(cm.iter().any(|o| o["kind"] == "Certificate"));
    let v = cm
        .iter()
        .find(|o| o["kind"] == "ValidatingWebhookConfiguration")
        .unwrap();
    assert_eq!(
        v["metadata"]["annotations"]["cert-manager.io/inject-ca-from"],
        "palisade/palisade-tls"
    );
    assert!(v["webhooks"][0]["clientConfig"].get("caBundle").is_none());
}
