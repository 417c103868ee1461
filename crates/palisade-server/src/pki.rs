//! A private CA and a serving certificate for the webhook, generated
//! in-process (for `palisade install` and the tests).

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

/// PEM texts of a generated CA and serving certificate.
#[derive(Debug, Clone)]
pub struct Pki {
    /// The CA certificate (the webhook configurations' `caBundle`).
    pub ca_pem: String,
    /// The serving certificate, signed by the CA.
    pub cert_pem: String,
    /// The serving certificate's private key.
    pub key_pem: String,
}

/// Generates a CA named `ca_name` and a serving certificate for
/// `dns_names`, both valid from `from` (year, month, day) for `days` days.
pub fn generate(
    ca_name: &str,
    dns_names: &[String],
    from: (i32, u32, u32),
    days: u32,
) -> Result<Pki, rcgen::Error> {
    let not_before = rcgen::date_time_ymd(from.0, from.1 as u8, from.2 as u8);
    let not_after = not_before + std::time::Duration::from_secs(u64::from(days) * 86_400);

    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.not_before = not_before;
    ca.not_after = not_after;
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(dns_names.to_vec())?;
    if let Some(first) = dns_names.first() {
        leaf.distinguished_name
            .push(DnType::CommonName, first.as_str());
    }
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.not_before = not_before;
    leaf.not_after = not_after;
    let cert = leaf.signed_by(&key, &issuer)?;
    Ok(Pki {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}
