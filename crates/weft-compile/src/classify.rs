//! Classification of module globals ([`GlobalKind`]) from how the compiled
//! code uses them.
//!
//! `Shared`: some function names it and it is not `Frozen`. `MainOnly`: no
//! function (nor a comprehension inside one) names it. `Frozen`: functions
//! only read it, and every store to it is module-level code outside any
//! loop, happening textually before the thread-start point (the first
//! module-level call to something that is not a builtin, or to a method
//! named `start`/`run`). Check expressions do not count.
//!
//! Must not know: the AST or the code layout; only the recorded [`Usage`].

use weft_model::GlobalKind;

use crate::func::Usage;

pub(crate) fn classify(u: &Usage, start_point: Option<u32>) -> GlobalKind {
    if !u.fn_read && !u.fn_store {
        return GlobalKind::MainOnly;
    }
    let before_start = |pos: u32| start_point.is_none_or(|s| pos <= s);
    if !u.fn_store
        && u.module_stores
            .iter()
            .all(|&(pos, in_loop)| !in_loop && before_start(pos))
    {
        GlobalKind::Frozen
    } else {
        GlobalKind::Shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let mut u = Usage::default();
        assert_eq!(classify(&u, None), GlobalKind::MainOnly);
        u.module_stores.push((10, false));
        assert_eq!(classify(&u, Some(5)), GlobalKind::MainOnly);
        u.fn_read = true;
        assert_eq!(classify(&u, Some(20)), GlobalKind::Frozen);
        assert_eq!(classify(&u, None), GlobalKind::Frozen);
        assert_eq!(classify(&u, Some(5)), GlobalKind::Shared);
        u.module_stores.push((1, true));
        assert_eq!(classify(&u, Some(20)), GlobalKind::Shared);
        let w = Usage {
            fn_store: true,
            ..Usage::default()
        };
        assert_eq!(classify(&w, None), GlobalKind::Shared);
    }
}
