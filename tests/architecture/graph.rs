//! The module graph and its checks: every top-level module is in the layer table, no module
//! uses one in a higher layer, and no modules use each other in a circle, both among the
//! top-level modules and among the submodules of each folder named in `inner`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::paths::{module_of, used_paths};

/// Where an edge was seen, at most this many times per edge, in a report.
const WITNESSES: usize = 3;

/// Edges between modules: (from, to) → where (`file:line: path`).
type Edges = BTreeMap<(String, String), Vec<String>>;

/// Every violation in `files` (`(path from the crate root, text)`), given the layers lowest
/// first; empty when the graph is sound.
pub fn violations(files: &[(String, String)], layers: &[&[&str]], inner: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let modules = top_level_modules(files);
    let layer_of = |m: &str| layers.iter().position(|layer| layer.contains(&m));
    for module in &modules {
        if layer_of(module).is_none() {
            found.push(format!(
                "module `{module}` is not in the layer table (LAYERS in tests/architecture.rs): \
                 add it to the layer it belongs to"
            ));
        }
    }
    let edges = edges_between(files, |from, to| {
        let from = node_name(from, &modules)?;
        let to = node_name(to, &modules)?;
        Some((from, to))
    });
    for ((from, to), at) in &edges {
        if let (Some(low), Some(high)) = (layer_of(from), layer_of(to))
            && high > low
        {
            found.push(format!(
                "upward edge: {from} (layer {low}) uses {to} (layer {high}), at {}",
                witnesses(at)
            ));
        }
    }
    found.extend(cycles(&edges, "modules"));
    for folder in inner {
        let children = children_of(files, folder);
        let edges = edges_between(files, |from, to| {
            let from = inner_node(folder, from, None)?;
            let to = inner_node(folder, to, Some(&children))?;
            Some((from, to))
        });
        found.extend(cycles(&edges, &format!("src/{folder}/")));
    }
    found
}

/// `src/X.rs` and `src/X/` are module `X`; `main.rs` is `main`; `lib.rs` is the root.
fn top_level_modules(files: &[(String, String)]) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|(file, _)| match module_of(file).first() {
            Some(first) => Some(first.clone()),
            None => (file == "src/main.rs").then(|| "main".to_string()),
        })
        .collect()
}

/// The top-level node a module path belongs to (`None` for the library root).
fn node_name(path: &NodeOf, modules: &BTreeSet<String>) -> Option<String> {
    match path.path.first() {
        Some(first) if modules.contains(first) => Some(first.clone()),
        None if path.file == "src/main.rs" => Some("main".into()),
        _ => None,
    }
}

/// Submodules of `src/<folder>/`: a file or folder in it other than `mod.rs`.
fn children_of(files: &[(String, String)], folder: &str) -> BTreeSet<String> {
    files
        .iter()
        .filter_map(|(file, _)| {
            let module = module_of(file);
            (module.len() >= 2 && module[0] == folder).then(|| module[1].clone())
        })
        .collect()
}

/// The node of `src/<folder>/` a path belongs to: `folder::child`, or `folder` for the items of
/// its `mod.rs`. A used path is a child only when it names one (`children`).
fn inner_node(folder: &str, path: &NodeOf, children: Option<&BTreeSet<String>>) -> Option<String> {
    if path.path.first().map(String::as_str) != Some(folder) {
        return None;
    }
    match path.path.get(1) {
        Some(child) if children.is_none_or(|c| c.contains(child)) => Some(format!("{folder}::{child}")),
        _ => Some(folder.to_string()),
    }
}

/// A module path, and the file it was seen in.
struct NodeOf<'a> {
    path: &'a [String],
    file: &'a str,
}

/// Every edge between two different nodes, as `node` names them.
fn edges_between(
    files: &[(String, String)],
    node: impl Fn(&NodeOf, &NodeOf) -> Option<(String, String)>,
) -> Edges {
    let mut edges = Edges::new();
    for (file, text) in files {
        for used in used_paths(file, text) {
            let from = NodeOf { path: &used.from, file };
            let to = NodeOf { path: &used.path, file: "" };
            if let Some((from, to)) = node(&from, &to)
                && from != to
            {
                edges.entry((from, to)).or_default().push(format!(
                    "{file}:{}: {}",
                    used.line,
                    used.path.join("::")
                ));
            }
        }
    }
    edges
}

fn witnesses(at: &[String]) -> String {
    let mut text = at.iter().take(WITNESSES).cloned().collect::<Vec<_>>().join(", ");
    if at.len() > WITNESSES {
        text.push_str(&format!(" and {} more", at.len() - WITNESSES));
    }
    text
}

/// One report per strongly connected set of nodes: a shortest circle through it, and every
/// edge inside it with where it is used.
fn cycles(edges: &Edges, graph: &str) -> Vec<String> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |start: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([start.clone()]);
        while let Some(n) = queue.pop_front() {
            for (_, b) in edges.keys().filter(|(a, _)| *a == n) {
                if seen.insert(b.clone()) {
                    queue.push_back(b.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let mut found = Vec::new();
    for node in &nodes {
        if reported.contains(*node) || !reachable[node].contains(*node) {
            continue;
        }
        let set: BTreeSet<String> = nodes
            .iter()
            .filter(|m| reachable[node].contains(**m) && reachable[*m].contains(*node))
            .map(|m| (*m).clone())
            .collect();
        reported.extend(set.iter().cloned());
        let inside: Vec<String> = edges
            .iter()
            .filter(|((a, b), _)| set.contains(a) && set.contains(b))
            .map(|((a, b), at)| format!("  {a} -> {b} at {}", witnesses(at)))
            .collect();
        found.push(format!("cycle among {graph}: {}\n{}", circle(edges, node, &set), inside.join("\n")));
    }
    found
}

/// A shortest circle from `start` back to it, inside `set`: `a -> b -> a`.
fn circle(edges: &Edges, start: &String, set: &BTreeSet<String>) -> String {
    let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for (_, b) in edges.keys().filter(|(a, b)| a == n && set.contains(b)) {
            if b == start {
                let mut path = vec![n];
                while let Some(p) = path.last().and_then(|last| previous.get(last)) {
                    path.push(p);
                }
                path.reverse();
                path.push(start);
                return path.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" -> ");
            }
            if b != start && !previous.contains_key(b) {
                previous.insert(b, n);
                queue.push_back(b);
            }
        }
    }
    start.clone()
}
