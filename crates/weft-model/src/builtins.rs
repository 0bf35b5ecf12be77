//! The closed set of names the subset knows: builtin functions and classes,
//! the `threading`/`time`/`queue` names, methods, attributes and exception
//! types. The compiler resolves source names to these; the runtime gives
//! them meaning.

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            /// The name as Python spells it.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

named_enum! {
    /// Builtin functions and classes reachable without an import.
    BuiltinFn {
        Len = "len", Range = "range", Print = "print", Int = "int", Str = "str",
        Bool = "bool", Float = "float", Abs = "abs", Min = "min", Max = "max",
        Sum = "sum", List = "list", Tuple = "tuple", Dict = "dict", Sorted = "sorted",
        Enumerate = "enumerate", Zip = "zip", IsInstance = "isinstance", Repr = "repr",
        Any = "any", All = "all", Reversed = "reversed",
    }
}

named_enum! {
    /// Names of the `threading` module.
    ThreadingName {
        Thread = "Thread", Lock = "Lock", RLock = "RLock", Condition = "Condition",
        Semaphore = "Semaphore", BoundedSemaphore = "BoundedSemaphore", Event = "Event",
        CurrentThread = "current_thread", MainThread = "main_thread",
        ActiveCount = "active_count", GetIdent = "get_ident",
        // SPEC §3 "Next": resolved so that the compiler can reject them by name.
        Barrier = "Barrier", Timer = "Timer", Local = "local",
    }
}

named_enum! {
    /// Names of the `time` module.
    TimeName { Sleep = "sleep", Time = "time", Monotonic = "monotonic", PerfCounter = "perf_counter" }
}

named_enum! {
    /// Names of the `queue` module (the exception classes are [`ExcType`]s).
    QueueName { Queue = "Queue", LifoQueue = "LifoQueue", PriorityQueue = "PriorityQueue", SimpleQueue = "SimpleQueue" }
}

/// Anything callable or referable that is not a user function.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Builtin {
    Fn(BuiltinFn),
    Threading(ThreadingName),
    Time(TimeName),
    Queue(QueueName),
    /// An exception class: calling it makes an instance.
    Exc(ExcType),
}

named_enum! {
    /// Methods of the supported objects. The runtime raises AttributeError
    /// when the receiver has no such method.
    Method {
        // list
        Append = "append", Pop = "pop", Insert = "insert", Remove = "remove", Clear = "clear",
        Extend = "extend", Index = "index", Count = "count", Sort = "sort", Reverse = "reverse",
        Copy = "copy",
        // dict
        Get = "get", Keys = "keys", Values = "values", Items = "items", SetDefault = "setdefault",
        Update = "update",
        // str
        Join = "join", Format = "format", Upper = "upper", Lower = "lower", Strip = "strip",
        Split = "split", StartsWith = "startswith", EndsWith = "endswith",
        // locks, semaphores
        Acquire = "acquire", Release = "release", Locked = "locked",
        // condition
        Wait = "wait", WaitFor = "wait_for", Notify = "notify", NotifyAll = "notify_all",
        // event (`clear`, `wait` shared above)
        Set = "set", IsSet = "is_set",
        // queue (`get`, `join` shared above)
        Put = "put", PutNowait = "put_nowait", GetNowait = "get_nowait", TaskDone = "task_done",
        Qsize = "qsize", Empty = "empty", Full = "full",
        // thread (`join` shared above)
        Start = "start", IsAlive = "is_alive", Run = "run",
        // barrier (`wait`, `reset` shared above or below)
        Abort = "abort", Reset = "reset",
    }
}

named_enum! {
    /// Attributes readable (some writable) on supported objects.
    Attr {
        Name = "name", Daemon = "daemon", Ident = "ident", Args = "args",
        Parties = "parties", NWaiting = "n_waiting", Broken = "broken",
    }
}

named_enum! {
    /// Builtin exception classes, plus `queue.Empty`/`queue.Full`.
    ExcType {
        BaseException = "BaseException", Exception = "Exception",
        ArithmeticError = "ArithmeticError", ZeroDivisionError = "ZeroDivisionError",
        OverflowError = "OverflowError", AssertionError = "AssertionError",
        AttributeError = "AttributeError", LookupError = "LookupError",
        IndexError = "IndexError", KeyError = "KeyError", NameError = "NameError",
        UnboundLocalError = "UnboundLocalError", RuntimeError = "RuntimeError",
        NotImplementedError = "NotImplementedError", RecursionError = "RecursionError",
        TypeError = "TypeError", ValueError = "ValueError", StopIteration = "StopIteration",
        OSError = "OSError", TimeoutError = "TimeoutError", KeyboardInterrupt = "KeyboardInterrupt",
        SystemExit = "SystemExit", Empty = "Empty", Full = "Full",
        BrokenBarrierError = "BrokenBarrierError",
    }
}

impl ExcType {
    /// The direct base class.
    pub fn parent(self) -> Option<ExcType> {
        use ExcType::*;
        Some(match self {
            BaseException => return None,
            Exception | KeyboardInterrupt | SystemExit => BaseException,
            ZeroDivisionError | OverflowError => ArithmeticError,
            IndexError | KeyError => LookupError,
            UnboundLocalError => NameError,
            NotImplementedError | RecursionError | BrokenBarrierError => RuntimeError,
            TimeoutError => OSError,
            _ => Exception,
        })
    }

    /// `self` is `other` or a subclass of it.
    pub fn is_subclass_of(self, other: ExcType) -> bool {
        let mut t = Some(self);
        while let Some(x) = t {
            if x == other {
                return true;
            }
            t = x.parent();
        }
        false
    }

    /// The name CPython prints in a traceback (`_queue.Empty` for `queue.Empty`).
    pub fn qualified_name(self) -> &'static str {
        match self {
            ExcType::Empty => "_queue.Empty",
            ExcType::Full => "queue.Full",
            ExcType::BrokenBarrierError => "threading.BrokenBarrierError",
            t => t.name(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_hierarchy_matches_cpython() {
        assert!(ExcType::ZeroDivisionError.is_subclass_of(ExcType::Exception));
        assert!(ExcType::KeyError.is_subclass_of(ExcType::LookupError));
        assert!(ExcType::TimeoutError.is_subclass_of(ExcType::OSError));
        assert!(!ExcType::KeyboardInterrupt.is_subclass_of(ExcType::Exception));
        assert!(ExcType::Empty.is_subclass_of(ExcType::Exception));
    }

    #[test]
    fn names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(*m));
        }
        assert_eq!(
            ThreadingName::from_name("current_thread"),
            Some(ThreadingName::CurrentThread)
        );
    }
}
