//! Schedule strings: a counterexample's scheduling decisions, replayable
//! with `weft replay SCENARIO --schedule S`.
//!
//! Comma-separated thread numbers in order of the steps; `t` after a number
//! means that thread's blocked call timed out at that step. Thread 0 is the
//! main thread; the others are numbered in the order they were started.
//! Example: `0,0,1,1,2t,0`.

use weft_runtime::{Choice, Step};

pub fn format(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| match s.choice {
            Choice::Go => s.thread.to_string(),
            Choice::Timeout => format!("{}t", s.thread),
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn parse(text: &str) -> Result<Vec<Step>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(vec![]);
    }
    text.split(',')
        .enumerate()
        .map(|(i, tok)| {
            let tok = tok.trim();
            let (num, choice) = match tok.strip_suffix('t') {
                Some(n) => (n, Choice::Timeout),
                None => (tok, Choice::Go),
            };
            num.parse::<u32>()
                .map(|thread| Step { thread, choice })
                .map_err(|_| {
                    format!(
                        "schedule step {}: `{tok}` is not a thread number (like `1` or `1t`)",
                        i + 1
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let steps = vec![
            Step {
                thread: 0,
                choice: Choice::Go,
            },
            Step {
                thread: 2,
                choice: Choice::Timeout,
            },
            Step {
                thread: 11,
                choice: Choice::Go,
            },
        ];
        assert_eq!(format(&steps), "0,2t,11");
        assert_eq!(parse("0, 2t,11").unwrap(), steps);
        assert!(parse("0,x").unwrap_err().contains("step 2"));
    }
}
