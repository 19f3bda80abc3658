//! The tray on Windows: the shell tray needs this thread's message loop, so the UI thread
//! sleeps in `GetMessageW`; the IPC thread posts a wake message after queueing an event.
//! Notifications are balloons from the notification area (`Shell_NotifyIconW` with
//! `NIF_INFO`), which every Windows since XP shows, Windows 10 and 11 as toasts, and which need
//! no app registration (toasts of their own need an AppUserModelID and a Start-menu shortcut).

use std::sync::mpsc;

/// Wakes the UI thread (this one, when called) out of its message loop.
pub(crate) fn ui_waker() -> impl Fn() + Send + Clone + 'static {
    let main_thread = current_thread_id();
    move || wake(main_thread)
}

/// Block until the next UI event; `None` when the message loop ends.
pub(crate) fn next_event<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
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
pub(crate) const FOLDER_OPENER: &str = "explorer";

/// Show `summary` and `body` as a balloon with the state's icon. The balloon comes from an
/// icon of its own, added for [`BALLOON_SECS`] and removed (the tray's icon belongs to the
/// tray-icon crate, which offers no balloon), on a thread of its own so the tray goes on.
pub(crate) async fn notify(
    rgba: Vec<u8>,
    size: u32,
    summary: &str,
    body: &str,
) -> Result<(), String> {
    tracing::info!(summary, body, "notification");
    let (summary, body) = (summary.to_string(), body.to_string());
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || balloon::show(&rgba, size, &summary, &body, tx));
    rx.await
        .map_err(|_| "the notification thread ended".to_string())?
}

/// How long the balloon's own icon stays (Windows shows the balloon for its own time, 5-10 s).
pub(crate) const BALLOON_SECS: u64 = 15;

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

mod balloon {
    use windows_sys::Win32::UI::Shell::{
        NIF_ICON, NIF_INFO, NIF_TIP, NIIF_LARGE_ICON, NIIF_USER, NIM_ADD, NIM_DELETE,
        NOTIFYICONDATAW, Shell_NotifyIconW,
    };
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        CreateIcon, CreateWindowExW, DestroyIcon, DestroyWindow, HICON, HWND_MESSAGE,
    };

    /// Copy `text` into a fixed UTF-16 field, cut to fit, NUL-terminated.
    pub(super) fn fill(field: &mut [u16], text: &str) {
        let mut n = 0;
        for unit in text.encode_utf16().take(field.len() - 1) {
            field[n] = unit;
            n += 1;
        }
        field[n] = 0;
    }

    /// A 32-bit icon from RGBA pixels (Windows wants BGRA, and an AND mask, unused with alpha).
    fn icon(rgba: &[u8], size: u32) -> HICON {
        let bgra: Vec<u8> = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[2], p[1], p[0], p[3]])
            .collect();
        let mask = vec![0u8; (size.div_ceil(16) * 2 * size) as usize];
        if bgra.len() != (size * size * 4) as usize {
            return std::ptr::null_mut();
        }
        // SAFETY: both bitmaps are the sizes CreateIcon reads for `size` x `size` at 32 bpp.
        unsafe {
            CreateIcon(
                std::ptr::null_mut(),
                size as i32,
                size as i32,
                1,
                32,
                mask.as_ptr(),
                bgra.as_ptr(),
            )
        }
    }

    pub(super) fn show(
        rgba: &[u8],
        size: u32,
        summary: &str,
        body: &str,
        done: tokio::sync::oneshot::Sender<Result<(), String>>,
    ) {
        let class: Vec<u16> = "STATIC".encode_utf16().chain(Some(0)).collect();
        // SAFETY: a message-only window of a system class: no window procedure of ours.
        let hwnd = unsafe {
            CreateWindowExW(
                0,
                class.as_ptr(),
                std::ptr::null(),
                0,
                0,
                0,
                0,
                0,
                HWND_MESSAGE,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null(),
            )
        };
        if hwnd.is_null() {
            let _ = done.send(Err(std::io::Error::last_os_error().to_string()));
            return;
        }
        let hicon = icon(rgba, size);
        let mut data = NOTIFYICONDATAW {
            cbSize: size_of::<NOTIFYICONDATAW>() as u32,
            hWnd: hwnd,
            uID: 1,
            uFlags: NIF_ICON | NIF_TIP | NIF_INFO,
            hIcon: hicon,
            dwInfoFlags: NIIF_USER | NIIF_LARGE_ICON,
            hBalloonIcon: hicon,
            ..Default::default()
        };
        fill(&mut data.szTip, summary);
        fill(&mut data.szInfoTitle, summary);
        fill(&mut data.szInfo, body);
        // SAFETY: a filled NOTIFYICONDATAW for a window this thread owns.
        let added = unsafe { Shell_NotifyIconW(NIM_ADD, &data) } != 0;
        let _ = done.send(if added {
            Ok(())
        } else {
            Err("the notification area did not take the balloon (no shell running?)".into())
        });
        if added {
            std::thread::sleep(std::time::Duration::from_secs(super::BALLOON_SECS));
            // SAFETY: the same icon, removed once.
            unsafe { Shell_NotifyIconW(NIM_DELETE, &data) };
        }
        // SAFETY: handles this function created, destroyed once.
        unsafe {
            if !hicon.is_null() {
                DestroyIcon(hicon);
            }
            DestroyWindow(hwnd);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn balloon_texts_are_cut_to_their_fields_and_terminated() {
        let mut title = [0xffffu16; 64];
        super::balloon::fill(&mut title, &"आधार ".repeat(40));
        assert_eq!(title[63], 0);
        assert!(!title.contains(&0xffff));
        let mut short = [0xffffu16; 8];
        super::balloon::fill(&mut short, "ok");
        assert_eq!(&short[..3], &[b'o' as u16, b'k' as u16, 0]);
    }
}
