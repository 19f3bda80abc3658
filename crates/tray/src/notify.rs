//! Desktop notifications: the reminder and each login result, with the state's icon (how
//! each OS shows them is in `crate::platform`).

use super::model::IconKind;

/// Show a notification; failures are logged, never fatal (a desktop may have no daemon).
pub(crate) async fn show(kind: IconKind, summary: &str, body: &str) {
    let rgba = super::icon::rgba(kind);
    if let Err(e) = crate::platform::notify(rgba, super::icon::SIZE, summary, body).await {
        tracing::warn!(error = %e, "could not show a desktop notification");
    }
}
