//! The tray on Windows: the shell tray needs this thread's message loop, so the UI thread
//! sleeps in `GetMessageW`; the IPC thread posts a wake message after queueing an event.
//! Notifications go to the tray's log for now.

use std::sync::mpsc;

/// Started from the Startup folder, a console program gets a console window: drop it.
pub fn detach_console() {
    // SAFETY: FreeConsole has no preconditions; failing (no console) is fine.
    unsafe {
        windows_sys::Win32::System::Console::FreeConsole();
    }
}

/// Wakes the UI thread (this one, when called) out of its message loop.
pub fn ui_waker() -> impl Fn() + Send + Clone + 'static {
    let main_thread = current_thread_id();
    move || wake(main_thread)
}

/// Block until the next UI event; `None` when the message loop ends.
pub fn next_event<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    loop {
        if let Ok(e) = rx.try_recv() {
            return Some(e);
        }
        if !pump_until_woken() {
            return None;
        }
    }
}

/// The program that opens a folder.
pub const FOLDER_OPENER: &str = "explorer";

/// No notification service is wired on Windows yet: the text goes to the tray's log.
pub async fn notify(_rgba: Vec<u8>, _size: u32, summary: &str, body: &str) -> Result<(), String> {
    tracing::info!(summary, body, "notification");
    Ok(())
}

use windows_sys::Win32::System::Threading::GetCurrentThreadId;
use windows_sys::Win32::UI::WindowsAndMessaging::{
    DispatchMessageW, GetMessageW, MSG, PostThreadMessageW, TranslateMessage, WM_APP,
};

fn current_thread_id() -> u32 {
    // SAFETY: no preconditions.
    unsafe { GetCurrentThreadId() }
}

fn wake(thread: u32) {
    // SAFETY: posting a message with no pointers to a thread id is always allowed.
    unsafe {
        PostThreadMessageW(thread, WM_APP, 0, 0);
    }
}

/// Wait for one window message and dispatch it (our wake message needs no dispatch).
/// False on WM_QUIT.
fn pump_until_woken() -> bool {
    // SAFETY: the standard message loop over a zeroed MSG owned by this frame.
    unsafe {
        let mut msg: MSG = std::mem::zeroed();
        if GetMessageW(&mut msg, std::ptr::null_mut(), 0, 0) <= 0 {
            return false;
        }
        if !(msg.hwnd.is_null() && msg.message == WM_APP) {
            TranslateMessage(&msg);
            DispatchMessageW(&msg);
        }
        true
    }
}
