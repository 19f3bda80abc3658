//! Desktop notifications: the reminder and each login result. Linux: the freedesktop
//! Notifications service over the session bus, with the state's icon. Elsewhere they go to the
//! tray's log for now.

use super::model::IconKind;

/// Show a notification; failures are logged, never fatal (a desktop may have no daemon).
pub async fn show(kind: IconKind, summary: &str, body: &str) {
    #[cfg(target_os = "linux")]
    {
        if let Err(e) = linux::notify(kind, summary, body).await {
            tracing::warn!(error = %e, "could not show a desktop notification");
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = kind;
        tracing::info!(summary, body, "notification");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    use zbus::zvariant::{StructureBuilder, Value};

    use super::IconKind;
    use crate::tray::icon;

    pub async fn notify(kind: IconKind, summary: &str, body: &str) -> zbus::Result<()> {
        let conn = zbus::Connection::session().await?;
        let size = icon::SIZE as i32;
        // The spec's image-data: (width, height, rowstride, has_alpha, bits, channels, bytes).
        let image = StructureBuilder::new()
            .add_field(size)
            .add_field(size)
            .add_field(size * 4)
            .add_field(true)
            .add_field(8i32)
            .add_field(4i32)
            .add_field(icon::rgba(kind))
            .build()?;
        let mut hints: HashMap<&str, Value<'_>> = HashMap::new();
        hints.insert("image-data", Value::Structure(image));
        conn.call_method(
            Some("org.freedesktop.Notifications"),
            "/org/freedesktop/Notifications",
            Some("org.freedesktop.Notifications"),
            "Notify",
            &(
                "rd-agent",
                0u32,
                "",
                summary,
                body,
                Vec::<&str>::new(),
                hints,
                -1i32,
            ),
        )
        .await?;
        Ok(())
    }
}
