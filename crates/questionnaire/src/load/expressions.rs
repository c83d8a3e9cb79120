//! Phase 4 of loading: every expression of the study is parsed; a parse error becomes an S006
//! diagnostic at the offending column, worded in the user's language.

use crate::expr::{self, Expr};

use super::{Ctx, Msg};

/// Parses the expression `src` of field `loc`; on failure records S006 and returns `None`.
pub(super) fn parse_expr(ctx: &mut Ctx, file: &str, loc: &str, src: &str) -> Option<Expr> {
    match expr::parse(src) {
        Ok(e) => Some(e),
        Err(e) => {
            let (column, m) = (e.column, &e.message);
            // The parser's own hint is English only; our fallback names the expression.
            let hint = match &e.hint {
                Some(h) => Msg::same(h.clone()),
                None => msg!("in `{src}`", "в выражении `{src}`", "`{src}` өрнегінде"),
            };
            ctx.sink.err(
                "S006",
                file,
                loc,
                msg!(
                    "expression does not parse at column {column}: {m}",
                    "выражение не разбирается, столбец {column}: {m}",
                    "өрнек талданбайды, {column}-баған: {m}"
                ),
                Some(hint),
            );
            None
        }
    }
}
