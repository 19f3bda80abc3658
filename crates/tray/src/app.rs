//! The icon itself (tray-icon: ksni on Linux, the shell tray on Windows) and the UI loop.

use std::sync::mpsc;
use std::time::Instant;

use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

use super::model::{Action, Command, IconKind, Tray, TrayView};
use super::{TrayError, TrayOptions, UiEvent, channel_ui, icon};
use crate::platform;
use rd_agent::i18n::Lang;

struct Ui {
    tray: TrayIcon,
    items: Vec<MenuItem>,
    shown: Option<TrayView>,
    model: Tray,
}

fn make_icon(kind: IconKind) -> Result<Icon, TrayError> {
    Icon::from_rgba(icon::rgba(kind), icon::SIZE, icon::SIZE)
        .map_err(|e| TrayError::Icon(e.to_string()))
}

impl Ui {
    fn new(lang: Lang) -> Result<Self, TrayError> {
        let menu = Menu::new();
        let model = Tray::new(lang);
        let start = model.view(Instant::now());
        let mut items = Vec::new();
        for entry in &start.menu {
            if entry.action == Action::OpenLogFolder {
                let _ = menu.append(&PredefinedMenuItem::separator());
            }
            // The first entry's id stays `login` whatever it says: the model knows what it
            // means when it is chosen.
            let item = MenuItem::with_id(entry.action.id(), &entry.label, entry.enabled, None);
            menu.append(&item)
                .map_err(|e| TrayError::Icon(e.to_string()))?;
            items.push(item);
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
            tray,
            items,
            shown: Some(start),
            model,
        })
    }

    fn redraw(&mut self, now: Instant) {
        let v = self.model.view(now);
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
        for (entry, item) in v.menu.iter().zip(&self.items) {
            item.set_enabled(entry.enabled);
            item.set_text(&entry.label);
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
    // The operator's page, on a thread of its own; the tray goes on without it if it fails.
    let page = match rd_agent_page::spawn_thread(super::page_options(&opts, None)) {
        Ok((link, _thread)) => Some(link),
        Err(e) => {
            tracing::warn!(error = %e, "could not serve the operator's page");
            None
        }
    };
    let first_link = page.clone();
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
                page,
            ))
        })
        .map_err(|e| TrayError::Runtime(e.to_string()))?;

    let mut ui = Ui::new(opts.lang)?;
    tracing::info!(socket = %opts.socket.display(), "tray started");
    // The user's first start after installation: the page opens by itself, once.
    if let Some(link) = &first_link {
        super::first_start::open_page_once(link);
    }
    while let Some(ev) = platform::next_event(&ui_rx) {
        let mut next = Some(ev);
        let mut now = Instant::now();
        while let Some(ev) = next.take() {
            now = Instant::now();
            let model = &mut ui.model;
            let commands = match ev {
                UiEvent::State(s) => {
                    model.set_state(s);
                    Vec::new()
                }
                UiEvent::Capture(s) => {
                    model.capture(s);
                    Vec::new()
                }
                UiEvent::Day(d) => {
                    model.set_day(d);
                    Vec::new()
                }
                UiEvent::LoginEnded => {
                    model.login_ended();
                    Vec::new()
                }
                UiEvent::Tick => {
                    model.tick(now);
                    Vec::new()
                }
                UiEvent::Menu(Action::Quit) => {
                    if let Some(dir) = rd_agent::page_link::dir() {
                        rd_agent::page_link::withdraw(&dir);
                    }
                    drop(cmd_tx);
                    drop(ui);
                    let _ = ipc.join();
                    return Ok(());
                }
                UiEvent::Menu(a) => model.choose(a, now),
                UiEvent::IconClicked => model.icon_clicked(now),
            };
            for c in commands {
                let _ = cmd_tx.send(c);
            }
            next = ui_rx.try_recv().ok();
        }
        // Once per batch: the new look shows at once, without drawing every step of it.
        ui.redraw(now);
    }
    Ok(())
}
