//! Finding Enterprise-only stanzas, keys and values used in a model.

use super::{enterprise_only_entry, enterprise_only_value};
use crate::model::{AerospikeConf, Item};

/// One Enterprise-only thing found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseUse {
    /// The config path with stanza arguments, e.g. `namespace[test].strong-consistency`
    /// or `namespace[test].storage-engine[pmem]`.
    pub path: String,
    /// What to do instead.
    pub hint: &'static str,
}

impl AerospikeConf {
    /// Every Enterprise-only stanza, key or stanza type (`storage-engine pmem`,
    /// `index-type flash`; `index-type mem` is fine) used in this config, in file order. An Enterprise-only stanza is reported once (not its contents). A CE
    /// server refuses to start with any of them, so validation should reject them all.
    pub fn enterprise_only_uses(&self) -> Vec<EnterpriseUse> {
        let mut out = Vec::new();
        scan(&self.items, "", &mut out);
        out
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn scan(items: &[Item], prefix: &str, out: &mut Vec<EnterpriseUse>) {
    for item in items {
        match item {
            Item::Line(l) => {
                let path = join(prefix, &l.key);
                if let Some(e) = l
                    .first_value()
                    .and_then(|v| enterprise_only_value(&path, v))
                {
                    out.push(EnterpriseUse {
                        path: format!("{path}[{}]", l.value_text()),
                        hint: e.hint,
                    });
                } else if let Some(e) = enterprise_only_entry(&path) {
                    out.push(EnterpriseUse { path, hint: e.hint });
                }
            }
            Item::Stanza(s) => {
                let bare = join(prefix, &s.name);
                let path = if s.args.is_empty() {
                    bare.clone()
                } else {
                    format!("{bare}[{}]", s.args.join(" "))
                };
                if let Some(e) = enterprise_only_entry(&bare) {
                    out.push(EnterpriseUse { path, hint: e.hint });
                    continue;
                }
                if let Some(e) = s.args.first().and_then(|a| enterprise_only_value(&bare, a)) {
                    out.push(EnterpriseUse {
                        path: path.clone(),
                        hint: e.hint,
                    });
                }
                scan(&s.items, &path, out);
            }
        }
    }
}
