//! The icon itself (tray-icon: ksni on Linux, the shell tray on Windows) and the UI loop.

use std::sync::mpsc;

use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

use super::model::{self, Action, IconKind, TrayView};
use super::{Command, TrayError, TrayOptions, UiEvent, channel_ui, icon};
use crate::platform;
use rd_agent::agent::AgentState;
use rd_agent::i18n::Lang;

struct Ui {
    lang: Lang,
    tray: TrayIcon,
    items: Vec<(Action, MenuItem)>,
    shown: Option<TrayView>,
    state: Option<AgentState>,
    /// Seconds left for the finger, while the service's capture waits for it.
    finger: Option<u32>,
}

fn make_icon(kind: IconKind) -> Result<Icon, TrayError> {
    Icon::from_rgba(icon::rgba(kind), icon::SIZE, icon::SIZE)
        .map_err(|e| TrayError::Icon(e.to_string()))
}

impl Ui {
    fn new(lang: Lang) -> Result<Self, TrayError> {
        let menu = Menu::new();
        let start = model::view(None, lang);
        let mut items = Vec::new();
        for (action, enabled) in &start.menu {
            if *action == Action::OpenLogFolder {
                let _ = menu.append(&PredefinedMenuItem::separator());
            }
            let item = MenuItem::with_id(action.id(), action.label(lang), *enabled, None);
            menu.append(&item)
                .map_err(|e| TrayError::Icon(e.to_string()))?;
            items.push((*action, item));
        }
        let tray = TrayIconBuilder::new()
            .with_id("rd-agent")
            .with_title("rd-agent")
            .with_tooltip(&start.tooltip)
            .with_icon(make_icon(start.icon)?)
            .with_menu(Box::new(menu))
            .with_menu_on_left_click(false)
            .build()
            .map_err(|e| TrayError::Icon(e.to_string()))?;
        Ok(Ui {
            lang,
            tray,
            items,
            shown: Some(start),
            state: None,
            finger: None,
        })
    }

    fn show(&mut self, state: Option<AgentState>) {
        if state != Some(AgentState::LoggingIn) {
            self.finger = None;
        }
        self.state = state;
        self.redraw();
    }

    /// The seconds left for the finger (`None`: the capture ended).
    fn countdown(&mut self, seconds_left: Option<u32>) {
        self.finger = seconds_left;
        self.redraw();
    }

    fn redraw(&mut self) {
        let v = model::view_counting(self.state.as_ref(), self.finger, self.lang);
        if self.shown.as_ref() == Some(&v) {
            return;
        }
        if self.shown.as_ref().map(|s| s.icon) != Some(v.icon)
            && let Ok(i) = make_icon(v.icon)
        {
            let _ = self.tray.set_icon(Some(i));
        }
        let _ = self.tray.set_tooltip(Some(&v.tooltip));
        // Entries by position: the first one's action (and label) depends on the state.
        for ((action, enabled), (_, item)) in v.menu.iter().zip(&self.items) {
            item.set_enabled(*enabled);
            item.set_text(action.label(self.lang));
        }
        self.shown = Some(v);
    }
}

pub(super) fn run(opts: TrayOptions) -> Result<(), TrayError> {
    let (ui_tx, ui_rx) = mpsc::channel::<UiEvent>();
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::unbounded_channel::<Command>();

    let wake_ui = platform::ui_waker();

    // Menu and icon events arrive on tray-icon's threads: forward them into the one channel.
    {
        let send = channel_ui(ui_tx.clone());
        MenuEvent::set_event_handler(Some(move |e: MenuEvent| {
            if let Some(a) = Action::from_id(e.id().0.as_str()) {
                send(UiEvent::Menu(a));
            }
        }));
        let send = channel_ui(ui_tx.clone());
        TrayIconEvent::set_event_handler(Some(move |e: TrayIconEvent| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = e
            {
                send(UiEvent::IconClicked);
            }
        }));
    }

    let send = channel_ui(ui_tx.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TrayError::Runtime(e.to_string()))?;
    let ipc_opts = opts.clone();
    let ipc = std::thread::Builder::new()
        .name("rd-agent-tray-ipc".into())
        .spawn(move || {
            rt.block_on(super::ipc_loop(
                ipc_opts,
                move |e| {
                    send(e);
                    wake_ui();
                },
                cmd_rx,
            ))
        })
        .map_err(|e| TrayError::Runtime(e.to_string()))?;

    let mut ui = Ui::new(opts.lang)?;
    tracing::info!(socket = %opts.socket.display(), "tray started");
    while let Some(ev) = platform::next_event(&ui_rx) {
        let mut next = Some(ev);
        while let Some(ev) = next.take() {
            match ev {
                UiEvent::State(s) => ui.show(s),
                UiEvent::Capture(s) => ui.countdown(s),
                UiEvent::Menu(Action::Quit) => {
                    drop(cmd_tx);
                    drop(ui);
                    let _ = ipc.join();
                    return Ok(());
                }
                UiEvent::Menu(Action::LoginNow) => {
                    let a = model::login_action(ui.state.as_ref());
                    let _ = cmd_tx.send(Command::Run(a));
                }
                UiEvent::Menu(a) => {
                    let _ = cmd_tx.send(Command::Run(a));
                }
                UiEvent::IconClicked => {
                    // "Daily login needed: click to scan your finger."
                    if ui.state.as_ref().is_some_and(AgentState::needs_login) {
                        let _ = cmd_tx.send(Command::Run(Action::LoginNow));
                    }
                }
            }
            next = ui_rx.try_recv().ok();
        }
    }
    Ok(())
}
