//! The code buffer of one function: instructions with their spans, forward
//! labels, and exception-handler regions.
//!
//! A *region* is the protected range of one `try`/`with`/`except` body. It
//! can be suspended and resumed (so that a `finally` copy emitted for a
//! `return` inside the body is not covered by the body's own handler), so
//! it ends up as several [`Handler`] entries sharing one target. Regions
//! carry their nesting level; the final handler table is sorted innermost
//! first, which is what the runtime's first-match lookup needs.
//!
//! Owns: pc arithmetic (checked), jump patching, the handler table.
//! Must not know: what the instructions mean, the AST.

use weft_diag::{Diagnostic, Embedded, Span};
use weft_model::{Handler, Instr, Pc};

/// A position in the code, bound later.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Label(usize);

pub(crate) type RegionId = usize;

/// A finished function body: code, spans, handler table.
pub(crate) type Code = (Vec<Instr>, Vec<Span>, Vec<Handler>);

/// No function may grow beyond this many instructions (bounds the cost of
/// `finally` copies in hostile programs).
pub(crate) const MAX_CODE: usize = 1 << 20;

struct Region {
    level: u32,
    depth: u32,
    ranges: Vec<(usize, usize)>,
    open: Option<usize>,
    target: Option<usize>,
}

#[derive(Default)]
pub(crate) struct Emitter {
    pub code: Vec<Instr>,
    pub spans: Vec<Span>,
    labels: Vec<Option<usize>>,
    fixups: Vec<(usize, usize)>,
    regions: Vec<Region>,
}

impl Emitter {
    pub(crate) fn emit(&mut self, instr: Instr, span: Span) {
        self.code.push(instr);
        self.spans.push(span);
    }

    pub(crate) fn here(&self) -> usize {
        self.code.len()
    }

    pub(crate) fn label(&mut self) -> Label {
        self.labels.push(None);
        Label(self.labels.len() - 1)
    }

    pub(crate) fn bind(&mut self, l: Label) {
        self.labels[l.0] = Some(self.code.len());
    }

    /// Emit a jump-like instruction (`Instr::Jump`, `Instr::ForIter`, …) to `l`.
    pub(crate) fn jump(&mut self, make: fn(Pc) -> Instr, l: Label, span: Span) {
        self.fixups.push((self.code.len(), l.0));
        self.emit(make(0), span);
    }

    /// Start a protected region here.
    pub(crate) fn open_region(&mut self, level: u32, depth: u32) -> RegionId {
        let here = self.here();
        self.regions.push(Region {
            level,
            depth,
            ranges: Vec::new(),
            open: Some(here),
            target: None,
        });
        self.regions.len() - 1
    }

    /// Stop covering code from here on (until [`Emitter::resume`]).
    pub(crate) fn suspend(&mut self, r: RegionId) {
        let here = self.here();
        let region = &mut self.regions[r];
        if let Some(start) = region.open.take() {
            if here > start {
                region.ranges.push((start, here));
            }
        }
    }

    pub(crate) fn resume(&mut self, r: RegionId) {
        let here = self.here();
        let region = &mut self.regions[r];
        if region.open.is_none() {
            region.open = Some(here);
        }
    }

    /// The handler code of `r` starts here.
    pub(crate) fn set_target(&mut self, r: RegionId) {
        self.regions[r].target = Some(self.here());
    }

    /// Whether control can reach the end of the code by falling through.
    pub(crate) fn falls_through(&self) -> bool {
        let end = self.code.len();
        if self.labels.contains(&Some(end)) {
            return true;
        }
        !matches!(
            self.code.last(),
            Some(
                Instr::Return
                    | Instr::Raise
                    | Instr::RaiseFrom
                    | Instr::ReRaise
                    | Instr::ReRaiseCurrent
                    | Instr::Jump(_)
            )
        )
    }

    /// Patch jumps and build the handler table.
    pub(crate) fn finish(mut self, src: &Embedded, span: Span) -> Result<Code, Diagnostic> {
        let too_large = || src.error(span, "function too large to compile");
        if self.code.len() > MAX_CODE {
            return Err(too_large());
        }
        let pc = |i: usize| Pc::try_from(i).map_err(|_| too_large());
        for &(at, label) in &self.fixups {
            let Some(target) = self.labels.get(label).copied().flatten() else {
                return Err(src.error(span, "internal compiler error: unbound label"));
            };
            let t = pc(target)?;
            self.code[at] = match self.code[at] {
                Instr::Jump(_) => Instr::Jump(t),
                Instr::JumpIfFalse(_) => Instr::JumpIfFalse(t),
                Instr::JumpIfTrue(_) => Instr::JumpIfTrue(t),
                Instr::JumpIfFalseOrPop(_) => Instr::JumpIfFalseOrPop(t),
                Instr::JumpIfTrueOrPop(_) => Instr::JumpIfTrueOrPop(t),
                Instr::ForIter(_) => Instr::ForIter(t),
                _ => return Err(src.error(span, "internal compiler error: bad jump")),
            };
        }
        let end = self.here();
        let mut regions = std::mem::take(&mut self.regions);
        for r in &mut regions {
            if let Some(start) = r.open.take() {
                if end > start {
                    r.ranges.push((start, end));
                }
            }
        }
        // Innermost (deepest) first; stable, so same-level regions keep code order.
        regions.sort_by_key(|r| std::cmp::Reverse(r.level));
        let mut handlers = Vec::new();
        for r in &regions {
            if r.ranges.is_empty() {
                continue;
            }
            let Some(target) = r.target else {
                return Err(src.error(span, "internal compiler error: handler without target"));
            };
            for &(s, e) in &r.ranges {
                handlers.push(Handler {
                    start: pc(s)?,
                    end: pc(e)?,
                    target: pc(target)?,
                    depth: r.depth,
                });
            }
        }
        Ok((self.code, self.spans, handlers))
    }
}
