//! The tray on Linux: tray-icon's ksni backend needs no message loop, so the UI thread just
//! sleeps on its channel; notifications go to the freedesktop Notifications service.

use std::sync::mpsc;

/// What the IPC thread calls after queueing an event: the channel wakes the UI thread itself.
pub(crate) fn ui_waker() -> impl Fn() + Send + Clone + 'static {
    || {}
}

/// Block until the next UI event; `None` when the channel closes.
pub(crate) fn next_event<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    rx.recv().ok()
}

/// The program that opens a folder in the desktop's file manager.
pub(crate) const FOLDER_OPENER: &str = "xdg-open";

use std::collections::HashMap;

use zbus::zvariant::{StructureBuilder, Value};

pub(crate) async fn notify(
    rgba: Vec<u8>,
    size: u32,
    summary: &str,
    body: &str,
) -> zbus::Result<()> {
    let conn = zbus::Connection::session().await?;
    let size = size as i32;
    // The spec's image-data: (width, height, rowstride, has_alpha, bits, channels, bytes).
    let image = StructureBuilder::new()
        .add_field(size)
        .add_field(size)
        .add_field(size * 4)
        .add_field(true)
        .add_field(8i32)
        .add_field(4i32)
        .add_field(rgba)
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
