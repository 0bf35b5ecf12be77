//! The frontier: nodes found and not yet expanded, by depth.
//!
//! Breadth first means in order of depth, and with lone states passed
//! through ([`crate::expand`]) one transition of the search can be several
//! steps long, so a node is not always one deeper than the node it was
//! found from. The frontier keeps one queue per depth; nodes of a depth
//! are expanded in the order they were found, and only once every
//! shallower node is merged. A node found again at a smaller depth before
//! it is expanded is queued again at that depth; its old entry is stale
//! and skipped (the caller tells which entries are still current).

use std::collections::VecDeque;

/// One queued node, with its state flat in fingerprint mode.
pub(crate) struct Entry {
    pub node: u32,
    pub flat: Option<Box<[u8]>>,
}

#[derive(Default)]
pub(crate) struct Frontier {
    /// `levels[i]` holds the nodes of depth `base + i`.
    levels: VecDeque<VecDeque<Entry>>,
    base: u32,
    /// Entries queued, stale ones included.
    len: u64,
    /// Bytes the flat states of the entries hold.
    pub flat_bytes: u64,
}

/// Bytes a flat frontier state holds: its encoding and the box pointing at it.
fn flat_bytes(bytes: &[u8]) -> u64 {
    (bytes.len() + std::mem::size_of::<Box<[u8]>>()) as u64
}

impl Frontier {
    /// Queue `node` at `depth`, which is no smaller than that of any node
    /// still to be taken from the current level.
    pub fn push(&mut self, depth: u32, node: u32, flat: Option<Box<[u8]>>) {
        if self.levels.is_empty() {
            self.base = depth;
        }
        debug_assert!(depth >= self.base, "a node above the current level");
        let i = (depth - self.base) as usize;
        while self.levels.len() <= i {
            self.levels.push_back(VecDeque::new());
        }
        self.flat_bytes += flat.as_deref().map_or(0, flat_bytes);
        self.len += 1;
        self.levels[i].push_back(Entry { node, flat });
    }

    /// Up to `n` entries from the current level, in order, skipping those
    /// `current` rejects (stale). Never moves on to the next level: nodes
    /// of the next level may still be re-queued at a smaller depth, or be
    /// told more about findings, until the current level is merged.
    pub fn take(&mut self, n: usize, current: impl Fn(u32, u32) -> bool) -> Vec<Entry> {
        let mut out = Vec::new();
        let depth = self.base;
        let Some(level) = self.levels.front_mut() else {
            return out;
        };
        while out.len() < n {
            let Some(e) = level.pop_front() else { break };
            self.len -= 1;
            self.flat_bytes -= e.flat.as_deref().map_or(0, flat_bytes);
            if current(e.node, depth) {
                out.push(e);
            }
        }
        out
    }

    /// Move on to the next level with entries, once the current one is
    /// taken and merged. Returns false when the frontier is empty.
    pub fn next_level(&mut self) -> bool {
        while self.levels.front().is_some_and(|l| l.is_empty()) {
            self.levels.pop_front();
            self.base += 1;
        }
        !self.levels.is_empty()
    }

    /// Entries queued (stale ones included).
    pub fn len(&self) -> u64 {
        self.len
    }
}
