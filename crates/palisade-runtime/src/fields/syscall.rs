//! Fields of process/syscall events.
//!
//! An event is one flat JSON object keyed by Falco field names
//! (`{"evt.type":"execve","proc.name":"bash","proc.aname":["sh","containerd-shim"]}`),
//! so any sensor that can emit JSON can feed it. A field `name[arg]` is
//! read from the key `name[arg]` when the event has it; otherwise from
//! `name`, indexing an array by a numeric argument or an object by key.
//!
//! Ancestor fields (`proc.aname`, `proc.apid`, `proc.aexe`, `proc.aexepath`,
//! `proc.acmdline`, `proc.aenv`) follow Falco: `[0]` is the process itself
//! (`proc.name`, ...), `[1]` the parent (`proc.pname`, or the array's first
//! item), `[N]` the array's item N-1; without an index, a comparison holds
//! when it holds for any ancestor.

use super::{Extracted, FieldError, ListKind};
use crate::event::Event;
use crate::json::Json;

/// A resolved syscall-source field.
#[derive(Debug, Clone)]
pub struct Field {
    /// The key as written with its argument (`proc.aname[2]`).
    full: Box<str>,
    /// The name without argument.
    base: Box<str>,
    arg: Option<Box<str>>,
    ancestor: Option<Ancestor>,
    /// Keys to read when the event lacks the field (see `ALIASES`).
    alias: &'static [&'static str],
    /// Slots of the keys `full`, `base`, the ancestor's own and parent
    /// fields in the engine's per-event key table (`NO_SLOT`: look up).
    slots: [u32; 4],
    /// The engine that assigned the slots.
    engine: u32,
}

/// No slot assigned, or key absent from the event.
pub(crate) const NO_SLOT: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Ancestor {
    /// The field for the process itself (`proc.name` for `proc.aname`).
    own: &'static str,
    /// The field for the parent (`proc.pname`).
    parent: &'static str,
}

/// Fields Falco derives from others: read from these keys when the event
/// does not carry the field itself (`fd.net` and `fd.ip` hold for either
/// end of the connection). Compared with a network (`10.0.0.0/8`), an
/// address matches when it lies inside it.
const ALIASES: [(&str, &[&str]); 7] = [
    ("fd.net", &["fd.cip", "fd.sip"]),
    ("fd.ip", &["fd.cip", "fd.sip"]),
    ("fd.port", &["fd.cport", "fd.sport"]),
    ("fd.cnet", &["fd.cip"]),
    ("fd.snet", &["fd.sip"]),
    ("fd.lnet", &["fd.lip"]),
    ("fd.rnet", &["fd.rip"]),
];

const ANCESTORS: [(&str, &str, &str); 6] = [
    ("proc.aname", "proc.name", "proc.pname"),
    ("proc.apid", "proc.pid", "proc.ppid"),
    ("proc.aexe", "proc.exe", "proc.pexe"),
    ("proc.aexepath", "proc.exepath", "proc.pexepath"),
    ("proc.acmdline", "proc.cmdline", "proc.pcmdline"),
    ("proc.aenv", "proc.env", "proc.penv"),
];

impl Field {
    /// Resolves `name[arg]`. Every well-formed name is accepted: the event
    /// decides which fields it carries.
    pub fn resolve(name: &str, arg: Option<&str>) -> Result<Field, FieldError> {
        let ancestor = ANCESTORS
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, own, parent)| Ancestor { own, parent });
        if ancestor.is_some()
            && let Some(a) = arg
            && a.parse::<usize>().is_err()
        {
            return Err(FieldError::BadArgument(
                name.to_string(),
                format!("the argument must be an ancestor index, not `{a}`"),
            ));
        }
        let full = match arg {
            Some(a) => format!("{name}[{a}]"),
            None => name.to_string(),
        };
        Ok(Field {
            full: full.into(),
            base: name.into(),
            arg: arg.map(Into::into),
            ancestor,
            alias: ALIASES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, keys)| *keys)
                .unwrap_or(&[]),
            slots: [NO_SLOT; 4],
            engine: NO_SLOT,
        })
    }

    /// Assigns slots for the keys this field reads (see [`crate::Engine`]).
    pub(crate) fn assign_slots(&mut self, engine: u32, intern: &mut dyn FnMut(&str) -> u32) {
        self.engine = engine;
        self.slots[0] = intern(&self.full);
        self.slots[1] = intern(&self.base);
        if let Some(a) = &self.ancestor {
            self.slots[2] = intern(a.own);
            self.slots[3] = intern(a.parent);
        }
    }

    /// The value under `key` (slot `which`), through the event's key table
    /// when the engine built one.
    fn get<'e>(&self, event: &'e Event<'e>, which: usize, key: &str) -> Option<&'e Json<'e>> {
        let slot = self.slots.get(which).copied().unwrap_or(NO_SLOT);
        if slot != NO_SLOT
            && let Some((engine, table)) = event.slots.get()
            && *engine == self.engine
        {
            let idx = *table.get(slot as usize)?;
            return match &event.json {
                Json::Object(entries) if idx != NO_SLOT => {
                    entries.get(idx as usize).map(|(_, v)| v)
                }
                _ => None,
            };
        }
        event.json.get(key)
    }

    /// List semantics of the field.
    pub fn list_kind(&self) -> ListKind {
        if (self.ancestor.is_some() || self.alias.len() > 1) && self.arg.is_none() {
            ListKind::AnyOf
        } else {
            ListKind::Scalar
        }
    }

    /// Extracts the field from an event.
    pub fn extract<'e>(&self, event: &'e Event<'e>) -> Extracted<'e> {
        if self.arg.is_some()
            && let Some(v) = self.get(event, 0, &self.full)
        {
            return Extracted::from_json(Some(v));
        }
        if let (Some(anc), Some(arg)) = (&self.ancestor, &self.arg) {
            let n: usize = arg.parse().unwrap_or(usize::MAX);
            return match n {
                0 => Extracted::scalar(self.get(event, 2, anc.own)),
                _ => {
                    if n == 1
                        && let Some(p) = self.get(event, 3, anc.parent)
                    {
                        return Extracted::scalar(Some(p));
                    }
                    match self.get(event, 1, &self.base) {
                        Some(Json::Array(items)) => Extracted::scalar(items.get(n - 1)),
                        _ => Extracted::Missing,
                    }
                }
            };
        }
        let Some(v) = self.get(event, 1, &self.base) else {
            if self.arg.is_none() && !self.alias.is_empty() {
                let mut values: Vec<_> = self
                    .alias
                    .iter()
                    .filter_map(|k| event.json.get(k))
                    .filter_map(super::Value::from_json)
                    .collect();
                return match values.len() {
                    0 => Extracted::Missing,
                    1 => values
                        .pop()
                        .map(Extracted::One)
                        .unwrap_or(Extracted::Missing),
                    _ => Extracted::List(values),
                };
            }
            return Extracted::Missing;
        };
        match &self.arg {
            None => Extracted::from_json(Some(v)),
            Some(arg) => match v {
                Json::Array(items) => {
                    Extracted::from_json(arg.parse::<usize>().ok().and_then(|i| items.get(i)))
                }
                Json::Object(_) => Extracted::from_json(v.get(arg)),
                _ => Extracted::Missing,
            },
        }
    }
}
