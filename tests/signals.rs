//! The terminal comes back on every way out: after SIGTERM, SIGHUP and SIGINT the app restores
//! cooked mode, leaves the alternate screen, turns mouse reporting off and exits 128 + n; on
//! SIGTSTP it gives the terminal back and stops, and on SIGCONT takes it again. Each runs the
//! real binary in a pseudo-terminal and reads `stty -a` before and after.
#![allow(clippy::unwrap_used)]

mod common;

/// Starts the app on the pty, waits until it has put the terminal in raw mode.
const START: &str = r#"
"$ROLLSCOPE" --labels "$LABELS" < /dev/tty &
pid=$!
for i in $(seq 100); do stty -a | grep -q -- '-icanon' && break; sleep 0.1; done
echo "RAW $(stty -a | grep -o -- '-\?icanon' | head -1)"
"#;

const END: &str = r#"
echo "AFTER $(stty -a | grep -o -- '-\?icanon\|-\?echo ' | tr '\n' ' ')"
"#;

fn run(body: &str) -> Option<String> {
    let labels = tempfile::tempdir().unwrap();
    let script = format!("LABELS='{}'\n{START}{body}{END}", labels.path().display());
    let raw = common::shell_in_a_terminal(&script)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    // The last alternate-screen and mouse switches must be the ones that turn them off.
    let last = |on: &str, off: &str| text.rfind(off).is_some_and(|o| text.rfind(on).is_none_or(|n| o > n));
    assert!(text.contains("\x1b[?1049h"), "the app took the screen:\n{text:?}");
    assert!(last("\x1b[?1049h", "\x1b[?1049l"), "the alternate screen is left:\n{text:?}");
    assert!(last("\x1b[?1000h", "\x1b[?1000l"), "mouse reporting is off:\n{text:?}");
    Some(text.replace("\r\n", "\n"))
}

fn line<'a>(text: &'a str, tag: &str) -> &'a str {
    text.lines().rev().find(|l| l.contains(tag)).unwrap_or_else(|| panic!("no {tag} line in:\n{text}"))
}

fn assert_cooked(text: &str) {
    let after = line(text, "AFTER ");
    assert!(after.contains(" icanon") && after.contains(" echo "), "cooked mode again: {after}");
}

#[test]
fn terminating_signals_restore_the_terminal_and_exit_with_128_plus_the_signal() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let body = format!("kill -{signal} $pid\nwait $pid\necho \"rc=$?\"\n");
        let Some(text) = run(&body) else { return };
        assert!(line(&text, "RAW ").contains("-icanon"), "{signal}: the app had raw mode");
        assert!(text.contains(&format!("rc={code}")), "{signal}: exit status {code}:\n{text}");
        assert_cooked(&text);
    }
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    let body = r#"
kill -TSTP $pid
sleep 0.5
echo "STOPPED $(ps -o stat= -p $pid | cut -c1) $(stty -a | grep -o -- '-\?icanon' | head -1)"
kill -CONT $pid
for i in $(seq 50); do stty -a | grep -q -- '-icanon' && break; sleep 0.1; done
echo "CONTINUED $(ps -o stat= -p $pid | cut -c1) $(stty -a | grep -o -- '-\?icanon' | head -1)"
kill -TERM $pid
wait $pid
echo "rc=$?"
"#;
    let Some(text) = run(body) else { return };
    let stopped = line(&text, "STOPPED ");
    assert!(stopped.contains("STOPPED T icanon"), "stopped, and the shell has cooked mode: {stopped}");
    let continued = line(&text, "CONTINUED ");
    assert!(continued.contains("-icanon") && !continued.contains(" T "), "running, raw again: {continued}");
    assert!(
        text.contains("\x1b[?1049h") && text.matches("\x1b[?1049h").count() >= 2,
        "the screen is redrawn"
    );
    assert!(text.contains("rc=143"), "{text}");
    assert_cooked(&text);
}
