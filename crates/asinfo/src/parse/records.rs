//! Splitting of "list" replies: records separated by `;`, fields `k=v` separated by `:`
//! (sets, sindex-list, query-show). A field without `=` is treated as the continuation of
//! the previous value (a value containing `:`), so no information is lost.

use std::collections::BTreeMap;

/// Splits a list reply into records of fields (in key order). Empty records are skipped.
pub fn split_records(value: &str) -> Vec<BTreeMap<String, String>> {
    value
        .split(';')
        .filter(|r| !r.trim().is_empty())
        .map(split_fields)
        .collect()
}

/// Splits one `k=v:k=v` record.
pub fn split_fields(record: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut last: Option<String> = None;
    for item in record.split(':') {
        match item.split_once('=') {
            Some((k, v)) => {
                out.insert(k.to_owned(), v.to_owned());
                last = Some(k.to_owned());
            }
            None => match last.as_ref().and_then(|k| out.get_mut(k)) {
                Some(prev) => {
                    prev.push(':');
                    prev.push_str(item);
                }
                None if item.is_empty() => {}
                None => {
                    out.insert(item.to_owned(), String::new());
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colon_in_value_is_kept() {
        let r = split_fields("a=1:exp=x:y:b=2");
        assert_eq!(r["exp"], "x:y");
        assert_eq!(r["b"], "2");
        assert_eq!(split_records("a=1;;b=2;").len(), 2);
    }
}
