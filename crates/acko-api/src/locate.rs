//! Best-effort mapping of a JSON-style path (`spec.racks[1].id`) to a line of block-style YAML.
//!
//! Used to add line numbers to problems. It understands indentation, `- ` list items, quoted
//! keys and keys containing dots (annotation keys). When the path leads into flow-style YAML
//! (`{a: 1}`) it returns the deepest line it could find; when nothing matches, `None`.

/// Finds the 0-based index of the line in `lines` that holds `path`.
pub fn locate_path(lines: &[&str], path: &str) -> Option<usize> {
    let mut range = 0..lines.len();
    let mut rest = path.trim_start_matches('.');
    let mut found = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let (num, tail) = after.split_once(']')?;
            let index: usize = num.parse().ok()?;
            let items: Vec<usize> = children(lines, range.clone())
                .into_iter()
                .filter(|&i| is_item(lines[i]))
                .collect();
            let Some(&line) = items.get(index) else {
                return found;
            };
            found = Some(line);
            range = line..item_block_end(lines, line);
            // Keys of the item start on the dash line itself.
            rest = tail.trim_start_matches('.');
            if rest.is_empty() {
                break;
            }
            let mut best: Option<(usize, &str)> = None;
            for i in range.clone() {
                let Some((key, _)) = key_of(lines[i]) else {
                    continue;
                };
                if i != line && indent(lines[i]) != item_indent(lines[line]) + 2 {
                    continue;
                }
                if matches_key(rest, key) && best.is_none_or(|(_, k)| key.len() > k.len()) {
                    best = Some((i, key));
                }
            }
            let (line, key) = best?;
            found = Some(line);
            rest = rest[key.len()..].trim_start_matches('.');
            range = line + 1..key_block_end(lines, line, key_col(lines, line));
            continue;
        }
        let mut best: Option<(usize, &str)> = None;
        for i in children(lines, range.clone()) {
            let Some((key, _)) = key_of(lines[i]) else {
                continue;
            };
            if matches_key(rest, key) && best.is_none_or(|(_, k)| key.len() > k.len()) {
                best = Some((i, key));
            }
        }
        let Some((line, key)) = best else {
            return found;
        };
        found = Some(line);
        rest = rest[key.len()..].trim_start_matches('.');
        range = line + 1..key_block_end(lines, line, key_col(lines, line));
    }
    found
}

fn matches_key(rest: &str, key: &str) -> bool {
    rest.strip_prefix(key)
        .is_some_and(|after| after.is_empty() || after.starts_with('.') || after.starts_with('['))
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_item(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    t == "-" || t.starts_with("- ")
}

fn item_indent(line: &str) -> usize {
    indent(line)
}

/// Column of the key on line `i`.
fn key_col(lines: &[&str], i: usize) -> usize {
    key_indent(lines[i])
}

/// Column of the key on a line (after a `- ` for list items).
fn key_indent(line: &str) -> usize {
    if is_item(line) {
        indent(line) + 2
    } else {
        indent(line)
    }
}

/// The key and its column of a `key: value` line (also `- key: value`).
fn key_of(line: &str) -> Option<(&str, usize)> {
    if is_blank(line) {
        return None;
    }
    let col = key_indent(line);
    let text = line.get(col..)?;
    let (key, _) = if let Some(q) = text.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], ())
    } else if let Some(q) = text.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], ())
    } else {
        let end = text
            .find(": ")
            .or_else(|| text.strip_suffix(':').map(|t| t.len()))?;
        (&text[..end], ())
    };
    Some((key, col))
}

/// Lines of the shallowest indentation within `range` (the direct children).
fn children(lines: &[&str], range: std::ops::Range<usize>) -> Vec<usize> {
    let min = range
        .clone()
        .filter(|&i| !is_blank(lines[i]))
        .map(|i| indent(lines[i]))
        .min();
    let Some(min) = min else { return Vec::new() };
    range
        .filter(|&i| !is_blank(lines[i]) && indent(lines[i]) == min)
        .collect()
}

/// End of the block of the list item on line `start` (dash at column `d`): the next line
/// indented at most `d`.
fn item_block_end(lines: &[&str], start: usize) -> usize {
    let d = indent(lines[start]);
    (start + 1..lines.len())
        .find(|&i| !is_blank(lines[i]) && indent(lines[i]) <= d)
        .unwrap_or(lines.len())
}

/// End of the block of the key on line `start` at column `k`: the next line indented less, or
/// a sibling key at the same column (list items at the same column still belong to the key).
fn key_block_end(lines: &[&str], start: usize, k: usize) -> usize {
    (start + 1..lines.len())
        .find(|&i| {
            !is_blank(lines[i])
                && (indent(lines[i]) < k || (indent(lines[i]) == k && !is_item(lines[i])))
        })
        .unwrap_or(lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "apiVersion: acko.io/v1alpha1
kind: AerospikeCluster
metadata:
  name: demo
spec:
  size: 9
  aerospikeNetworkPolicy:
    acessType: pod
  seedsFinderServices:
    loadBalancer:
      annotations:
        service.beta.kubernetes.io/aws-load-balancer-type: \"nlb\"
      loadBalancerSourceRanges:
        - \"10.0.0.0/8\"
        - \"office\"
  rackConfig:
    racks:
      - id: 1
        zone: a
      - id: 1
        zone: b
  aerospikeConfig:
    namespaces:
      - name: test
        replication-factor: 5
";

    fn at(path: &str) -> Option<usize> {
        let lines: Vec<&str> = DOC.lines().collect();
        locate_path(&lines, path).map(|i| i + 1)
    }

    #[test]
    fn finds_keys_items_and_dotted_keys() {
        assert_eq!(at("spec.size"), Some(6));
        assert_eq!(at("spec.aerospikeNetworkPolicy.acessType"), Some(8));
        assert_eq!(
            at(
                "spec.seedsFinderServices.loadBalancer.annotations.service.beta.kubernetes.io/aws-load-balancer-type"
            ),
            Some(12)
        );
        assert_eq!(
            at("spec.seedsFinderServices.loadBalancer.loadBalancerSourceRanges[1]"),
            Some(15)
        );
        assert_eq!(at("spec.rackConfig.racks[1].id"), Some(20));
        assert_eq!(at("spec.rackConfig.racks[1].zone"), Some(21));
        assert_eq!(at("spec.rackConfig.racks"), Some(17));
        assert_eq!(
            at("spec.aerospikeConfig.namespaces[0].replication-factor"),
            Some(25)
        );
        assert_eq!(at("metadata.name"), Some(4));
    }

    #[test]
    fn falls_back_to_the_deepest_known_line() {
        assert_eq!(at("spec.rackConfig.racks[7].id"), Some(17));
        assert_eq!(at("spec.storage"), Some(5));
        assert_eq!(at("status"), None);
        assert_eq!(at("spec.aerospikeNetworkPolicy.fabricType"), Some(7));
    }
}
