//! Desktop notifications: the reminder and each login result. Linux: the freedesktop
//! Notifications service over the session bus. Elsewhere they go to the tray's log for now.

/// Show a notification; failures are logged, never fatal (a desktop may have no daemon).
pub async fn show(summary: &str, body: &str) {
    #[cfg(target_os = "linux")]
    {
        if let Err(e) = linux::notify(summary, body).await {
            tracing::warn!(error = %e, "could not show a desktop notification");
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        tracing::info!(summary, body, "notification");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::collections::HashMap;

    pub async fn notify(summary: &str, body: &str) -> zbus::Result<()> {
        let conn = zbus::Connection::session().await?;
        let hints: HashMap<&str, zbus::zvariant::Value<'_>> = HashMap::new();
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
