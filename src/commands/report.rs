//! `rollscope report`: loads the study as the other commands do and writes the report folder
//! (`report::run`), then says where it is.

use anyhow::Result;

use super::{Output, load_study, warn};
use crate::cli::ReportArgs;

pub fn run(args: &ReportArgs) -> Result<()> {
    let study = load_study(&args.paths, &args.study.study)?;
    // The exact command line, as the shell would take it again.
    let command = crate::report::provenance::shell_words(&std::env::args().collect::<Vec<_>>());
    let (written, warnings) =
        crate::report::run(study.into_inner(), args, command).map_err(anyhow::Error::msg)?;
    for w in warnings {
        warn(&w);
    }
    let mut out = Output::stdout();
    out.line(&format!(
        "wrote {}: {} figures, {} files; open {}",
        written.dir.display(),
        written.figures.len(),
        written.files,
        written.dir.join("index.html").display()
    ))?;
    out.finish()
}
