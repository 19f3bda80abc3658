//! The Windows event log, where support looks first when a service will not start. Events are
//! written under the source `rd-agent` with the sentence as their one string; no message file
//! is registered, so Event Viewer shows the sentence after its "description not found" note.

use windows_sys::Win32::System::EventLog::{
    DeregisterEventSource, EVENTLOG_ERROR_TYPE, RegisterEventSourceW, ReportEventW,
};

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// Write `text` as an error event. Best effort: a log that cannot be written is not a reason
/// to fail further.
pub(crate) fn report_error(text: &str) {
    let source = wide("rd-agent");
    let message = wide(text);
    let strings = [message.as_ptr()];
    // SAFETY: every pointer is to a NUL-terminated buffer that outlives the calls; the handle
    // is checked and released.
    unsafe {
        let log = RegisterEventSourceW(std::ptr::null(), source.as_ptr());
        if log.is_null() {
            tracing::warn!("could not open the event log");
            return;
        }
        if ReportEventW(
            log,
            EVENTLOG_ERROR_TYPE,
            0,
            1,
            std::ptr::null_mut(),
            1,
            0,
            strings.as_ptr(),
            std::ptr::null(),
        ) == 0
        {
            tracing::warn!("could not write to the event log");
        }
        DeregisterEventSource(log);
    }
}
