//! What is shared and what things are called: recording accesses to
//! shared locations for race detection, marking values reachable by other
//! threads, and naming objects after the global they live in (for reports
//! and lock-order cycles).

use std::sync::Arc;

use crate::machine::{Ctx, Event, Machine};
use crate::ops;
use crate::race::{Loc, Site};
use crate::state::{Label, Object, State};
use crate::value::{ObjId, Tid, Value};

impl Machine<'_> {
    /// Record an access to a shared location.
    pub(crate) fn access(
        &self,
        s: &mut State,
        tid: Tid,
        loc: Loc,
        write: bool,
        atomic: bool,
        hint: weft_model::AccessHint,
        cx: &mut Ctx,
    ) {
        let (func, pc) = self.site_now(s, tid);
        let agent = s.threads[tid as usize].agent;
        let site = Site {
            tid,
            func,
            pc,
            write,
            hint,
        };
        let mut hits = Vec::new();
        s.race_mut().access(loc, agent, atomic, site, &mut hits);
        cx.events.extend(hits.into_iter().map(Event::Race));
    }

    /// Accesses to a container: `loc` is the element (or None for its structure).
    pub(crate) fn container_access(
        &self,
        s: &mut State,
        tid: Tid,
        obj: ObjId,
        key: Option<&Value>,
        write: bool,
        atomic: bool,
        hint: weft_model::AccessHint,
        cx: &mut Ctx,
    ) {
        if !s.heap[obj as usize].shared {
            return;
        }
        let loc = match key {
            Some(k) => Loc::Elem(obj, crate::race::Key::of(k)),
            None => Loc::Shape(obj),
        };
        self.access(s, tid, loc, write, atomic, hint, cx);
    }

    /// A read of a whole shared container (iteration, `sum`, `==`, `in` on a
    /// list, `print`, …): its structure and every element.
    pub(crate) fn container_read_all(
        &self,
        s: &mut State,
        tid: Tid,
        v: &Value,
        atomic: bool,
        hint: weft_model::AccessHint,
        cx: &mut Ctx,
    ) {
        let Value::Obj(obj) = v else { return };
        let obj = *obj;
        if !s.heap[obj as usize].shared {
            return;
        }
        let keys: Vec<Value> = match s.obj(obj) {
            Object::List(l) => (0..l.len() as i64).map(Value::Int).collect(),
            Object::Dict(d) => d.iter().map(|(k, _)| k.clone()).collect(),
            _ => return,
        };
        self.container_access(s, tid, obj, None, false, atomic, hint, cx);
        for k in &keys {
            self.container_access(s, tid, obj, Some(k), false, atomic, hint, cx);
        }
    }

    /// Make a value reachable by other threads: it and everything it holds become shared.
    pub(crate) fn share(&self, s: &mut State, v: &Value) {
        let mut todo = vec![v.clone()];
        while let Some(v) = todo.pop() {
            match v {
                Value::Obj(id) => {
                    if s.heap[id as usize].shared {
                        continue;
                    }
                    let h = s.heap_mut(id as usize);
                    h.shared = true;
                    match &h.obj {
                        Object::List(l) => todo.extend(l.iter().cloned()),
                        Object::Dict(d) => {
                            todo.extend(d.iter().flat_map(|(k, v)| [k.clone(), v.clone()]))
                        }
                        Object::Queue(q) => todo.extend(q.items.iter().cloned()),
                        Object::Thread(t) => todo.extend(t.args.iter().cloned()),
                        _ => {}
                    }
                }
                Value::Tuple(t) => todo.extend(t.iter().cloned()),
                _ => {}
            }
        }
    }

    /// Name objects after the global they are first stored in.
    pub(crate) fn label(&self, s: &mut State, g: u32, v: &Value) {
        if let Value::Obj(id) = v {
            if s.heap[*id as usize].label.is_none() {
                s.heap_mut(*id as usize).label = Some(Label::Global(g));
            }
        }
        self.label_inside(s, g, v, String::new(), 0);
    }

    /// Name the objects held inside a container after their path in it:
    /// `forks[0]`, `accounts['alice']['lock']`.
    fn label_inside(&self, s: &mut State, g: u32, v: &Value, path: String, depth: u32) {
        if depth > 3 {
            return;
        }
        let children: Vec<(String, Value)> = match v {
            Value::Tuple(t) => t
                .iter()
                .enumerate()
                .map(|(i, x)| (format!("{path}[{i}]"), x.clone()))
                .collect(),
            Value::Obj(id) => match s.obj(*id) {
                Object::List(l) => l
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (format!("{path}[{i}]"), x.clone()))
                    .collect(),
                Object::Dict(d) => d
                    .iter()
                    .map(|(k, x)| (format!("{path}[{}]", ops::repr(self.prog, s, k)), x.clone()))
                    .collect(),
                _ => return,
            },
            _ => return,
        };
        for (p, child) in children {
            if let Value::Obj(o) = &child {
                if s.heap[*o as usize].label.is_none() {
                    s.heap_mut(*o as usize).label = Some(Label::Key(g, Arc::from(p.as_str())));
                }
            }
            self.label_inside(s, g, &child, p, depth + 1);
        }
    }

    /// A readable name for an object: the global it lives in, or its kind.
    pub fn object_name(&self, s: &State, id: ObjId) -> String {
        match &s.heap[id as usize].label {
            Some(Label::Global(g)) => self.prog.globals[*g as usize].name.clone(),
            Some(Label::Elem(g, i)) => format!("{}[{}]", self.prog.globals[*g as usize].name, i),
            Some(Label::Key(g, path)) => format!("{}{}", self.prog.globals[*g as usize].name, path),
            None => match s.obj(id) {
                Object::Thread(t) => t.name.to_string(),
                Object::Condition(c) => format!("<Condition of {}>", self.object_name(s, c.lock)),
                other => format!("<{} #{}>", object_kind(other), id),
            },
        }
    }

    /// The name of thread `tid`.
    pub fn thread_name(&self, s: &State, tid: Tid) -> String {
        match s.obj(s.threads[tid as usize].obj) {
            Object::Thread(t) => t.name.to_string(),
            _ => format!("thread {tid}"),
        }
    }
}

pub fn object_kind(o: &Object) -> &'static str {
    match o {
        Object::List(_) => "list",
        Object::Dict(_) => "dict",
        Object::Lock(_) => "Lock",
        Object::RLock(_) => "RLock",
        Object::Condition(_) => "Condition",
        Object::Semaphore(s) if s.bound.is_some() => "BoundedSemaphore",
        Object::Semaphore(_) => "Semaphore",
        Object::Event(_) => "Event",
        Object::Queue(_) => "Queue",
        Object::Barrier(_) => "Barrier",
        Object::Thread(_) => "Thread",
    }
}
