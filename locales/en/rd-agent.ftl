# rd-agent: every sentence a person reads. English is the reference catalogue.
#
# Rules (see ../README.md): every locale has exactly these ids, with the same variables.
# Values are formatted by the code before they get here: dates and times ({ $until }, { $date })
# as IST wall time, rupee amounts ({ $amount }) as ₹ with two decimals, ports, codes and
# attempt references as plain text. A message with no full stop at the end is embedded in
# another one; keep it that way in every language.

## Common

# The prefix of every command failure on stderr (src/cli/mod.rs).
cli-error = error: { $message }
cli-json-encode-failed = error: could not encode the output as JSON: { $error }
# stdout failed for another reason than its reader going away (src/console.rs).
cli-output-failed = The command was done, but its output could not be written: { $error }. Check that the disk has space or that the file it was sent to can be written, then run the command again to see its output.
# `rd-agent tray` starts the tray's own program beside it, which failed (src/cli/agent.rs).
cli-tray-not-started = The tray program { $program } could not be started: { $error }. It is installed beside rd-agent; reinstall rd-agent to put it back.
# Shown where a service or device gave no description text.
no-description = no description
# Text from outside shown as it is (an OS error, a reply's words).
verbatim = { $text }

## Tray

tray-menu-login-now = Log in now
tray-menu-status = Status
tray-menu-devices = Devices
tray-menu-open-log-folder = Open log folder
tray-menu-quit = Quit
# The first entry while a scanner other than the shop's usual one waits to be accepted.
tray-menu-use-new-scanner = Log in with this new scanner
tray-menu-login-despite-declines = Log in anyway (a third declined finger can block your AePS)
# The first entry when the bank cancelled the day's login. $amount: "₹0.94"; $estimate: "yes" when
# it is the usual price, not what this PC last paid.
tray-menu-login-again = { $estimate ->
    [yes] Log in again (about { $amount } will be charged)
   *[no] Log in again ({ $amount } will be charged)
}
# The same entry for 30 seconds after it was chosen: a second, deliberate click sends the login.
tray-menu-login-again-confirm = Confirm: charge { $amount } and log in

# Tooltips: one short sentence each.
tray-tooltip-checking = Checking today's login.
tray-tooltip-logging-in = Logging in: when the scanner lights up, place your finger on it.
tray-tooltip-login-required = Daily login needed: click to scan your finger.
tray-tooltip-logged-in = Logged in until midnight.
# $time: when the earlier attempt's settle window ends, "14:00".
tray-tooltip-settling = Wait until { $time } IST, then log in: the earlier attempt is still being checked.
tray-tooltip-new-scanner = Connect the usual scanner, or log in with this new one from the menu.
tray-tooltip-declines-held = Clean the scanner and the finger: { $declines } logins in a row were declined.
# While the scanner waits for the finger; $seconds counts down.
tray-tooltip-finger = Place your finger on the scanner now: { $seconds } s left.
tray-tooltip-sending = Finger scanned: logging in with InstantPay.
# After "Log in again" was chosen once.
tray-tooltip-confirm = Choose "Confirm" in the menu to log in again: the new login will be charged.
# A problem, in one short sentence: what to do first, then why (under 100 characters, as
# Windows cuts a tooltip at 127). The full sentence is in "Status".
tray-fix-scanner = Plug in the fingerprint scanner: it is not connected.
tray-fix-scanner-not-ready = Reconnect the scanner, or close the program using it: it is not ready.
tray-fix-rd-service = Start the RD Service (or restart it): it does not answer.
tray-fix-capture = Place your finger again and log in: the scan failed.
tray-fix-low-quality = Clean the scanner and your finger, then log in again: the print was unclear.
tray-fix-key-expired = Update the RD Service from the scanner's vendor: its UIDAI key has expired.
tray-fix-internet = Check the internet connection: InstantPay could not be reached.
tray-fix-refused = Open Status to see InstantPay's reason: it refused the request.
tray-fix-setup = Ask your administrator to fix rd-agent's settings: Status has the details.
tray-fix-aadhaar = Ask your administrator to set the operator's Aadhaar: the one on this PC is wrong.
tray-fix-enrol = Ask the platform for a new enrolment code: this PC's access has ended.
tray-fix-wait = Wait a few minutes, then log in again: an earlier login is not finished yet.
tray-fix-support = Call your platform's support: too many logins failed today.
tray-fix-mismatch = Log in again with the finger registered with Aadhaar: it did not match.
tray-fix-cancelled = Log in again from the menu: the bank cancelled today's login.
tray-fix-other = Open Status from the menu: something needs attention.
# Tooltip, and the body of a notification, when the service cannot be reached.
tray-service-not-running = Ask for the rd-agent service to be started: it is not running.

# Notification titles.
tray-notify-login-needed = Daily login needed
tray-notify-logged-in = Logged in
tray-notify-login-failed = Login failed
# A login whose outcome is not known: it may have been charged (never called failed).
tray-notify-login-unknown = Login result unknown: money may have been taken
tray-notify-status = rd-agent status
tray-notify-devices = Fingerprint devices

# Notification bodies.
tray-unexpected-reply = The service sent an unexpected reply.
# One line per RD Service in the "Devices" notification. $status is READY, NOTREADY or USED.
tray-device-line = Port { $port }: { $status } { $info }
tray-no-rd-service = No RD Service found: connect the scanner and start its RD Service.

# Errors of `rd-agent tray`.
tray-error-icon = Could not show the tray icon ({ $error }). Make sure a desktop session with a system tray (StatusNotifier) is running.
tray-error-runtime = Could not start the tray's background thread: { $error }

## Agent state

# One sentence per state, as `rd-agent status` and the tray show it.
state-checking = Checking today's login.
state-login-required = Daily login needed: scan your finger.
state-logging-in = Logging in: when the scanner lights up, place your finger on it.
# $until: the next midnight, "2026-11-23 00:00".
state-logged-in = Logged in until midnight ({ $until } IST).
# $time: when the earlier attempt's settle window ends, "14:00".
state-settling = Checking the earlier login attempt: InstantPay may still be charging it. The next login can be tried after { $time } IST.
# $found, $pinned: a scanner's provider, model and serial.
state-new-scanner = This scanner ({ $found }) is not the shop's usual one ({ $pinned }): log in with it only if the shop now uses it, or connect the usual scanner.
state-declines-held = The last { $declines } logins were declined. A third decline in a row can block the operator's AePS at the bank: clean the scanner and the finger, use the finger enrolled with Aadhaar, then log in again only if you accept that risk.

## Agent service

agent-login-in-progress = A login is already in progress: when the scanner lights up, place your finger on it.
agent-reminder = Click the rd-agent icon (or run "rd-agent login") and scan your finger.
agent-permission-denied = Permission denied: only root, the service user and members of the rd-agent group may use the service. Ask an administrator to add you to the rd-agent group.
agent-login-not-allowed = Only an administrator or a member of the rd-agent group may log in through the service. Ask your administrator to add your Windows account to the rd-agent group, then sign out of Windows and back in.
agent-busy = The rd-agent service is busy with too many connections: try again in a moment.
agent-request-too-long = The request is too long.
agent-request-not-understood = The request is not understood: send one JSON object per line, such as { "{" }"v":2,"cmd":"status"{ "}" }.
agent-scanner-not-connected = Scanner not connected: plug the fingerprint scanner into a USB port.
agent-status-check-failed = Could not ask InstantPay for today's login: { $error }
agent-already-logged-in = Already logged in for today: nothing was sent, nothing charged.
agent-logged-in = Logged in until midnight.
agent-internal-error = rd-agent met an internal error; nothing was sent and nothing was charged. Try again; if this comes back, call support.
agent-log-dir-failed = Could not open the log directory { $path }: { $error }. Check its owner and permissions.
agent-start-failed = Could not start: { $error }
agent-service-manager-failed = The Windows service manager did not start the service: { $error }
lockdown-apply-failed = Could not limit { $path } to SYSTEM and Administrators ({ $error }). The service does not start while its secrets could be open to other users.
lockdown-writable = { $path } can be changed by { $who }, so anyone could change what the service does. Remove that permission (right-click, Properties, Security) or reinstall rd-agent; the service does not start until then.

# Talking to the service (src/agent/ipc.rs).
ipc-not-running = The rd-agent service is not running (no socket at { $path }). Start it with "systemctl start rd-agent" or run "rd-agent run".
ipc-refused = The rd-agent service refused this connection: { $reason }
ipc-connection-lost = Lost the connection to the rd-agent service ({ $error }). Check that it is running.
cli-service-stopped = The rd-agent service is installed but not running, so nothing was changed and no login was tried. { $os ->
    [windows] Start it: open Services, find rd-agent and click Start (or restart the computer).
   *[other] Start it: sudo systemctl start rd-agent
}
agent-config-elsewhere = This rd-agent service does not keep a configuration of its own.
ipc-protocol = The rd-agent service sent a reply this program does not understand. Make sure the service and this command are the same version.
ipc-already-running = Another rd-agent service is already listening on { $path }. Stop it first.
ipc-not-the-service = The program answering on { $path } (process { $pid }, { $image }) is not the rd-agent service, so nothing was sent to it and no money was taken. Restart the rd-agent service in Services (services.msc) and try again; if this comes back, call support.
ipc-closed = the service closed the connection
ipc-not-permitted-not-member = Your account may not use the rd-agent service yet: it is not in the rd-agent group (permission denied on { $path }). Ask an administrator to add it with "sudo usermod -aG rd-agent { $user }", then log out and back in once.
ipc-not-permitted-new-member = Your account was added to the rd-agent group after you logged in, so this session cannot use the service yet (permission denied on { $path }). Log out and back in once, or restart the computer.
ipc-not-permitted = Permission denied on { $path }: your account may not use the rd-agent service. Ask an administrator to add it to the rd-agent group, then log out and back in once.
ipc-client-older = This program is older than the rd-agent service (protocol { $theirs }; the service speaks { $ours }): it was started before rd-agent was updated. Quit it and open rd-agent again.
ipc-client-newer = This program is newer than the rd-agent service (protocol { $theirs }; the service speaks { $ours }): the service still runs the version before the update. Restart the rd-agent service, or restart the computer.
ipc-service-older = The rd-agent service is older than this program (protocol { $theirs }; this program speaks { $ours }): it still runs the version before the update. Restart the rd-agent service, or restart the computer.
ipc-service-newer = The rd-agent service is newer than this program (protocol { $theirs }; this program speaks { $ours }): this program was started before rd-agent was updated. Quit it and open rd-agent again.

## Login

# Progress lines (stderr, and the service log).
login-unresolved-attempts =
    { $count ->
        [one] { $count } earlier attempt has no known outcome: asking InstantPay before anything else...
       *[other] { $count } earlier attempts have no known outcome: asking InstantPay before anything else...
    }
login-asking-status = Asking InstantPay for today's login status...
# One chargeable login at a time (src/login/lock.rs). $holder: login-lock-holder or login-lock-holder-unknown.
login-lock-waiting = A login is in progress ({ $holder }): waiting for it to finish, then using its result...
# Written by the process that holds the lock; $time: "08:20".
login-lock-holder = pid { $pid }, started { $time } IST
login-lock-holder-unknown = another rd-agent process
# $resolution is the ledger's code: status_loggedin, status_loginrequired or stale.
login-attempt-settled =
    Attempt { $attempt } settled: { $resolution ->
        [status_loggedin] InstantPay says logged in, so this attempt went through
        [status_loginrequired] InstantPay says login required, so this attempt did not log in
       *[stale] it is from an earlier day, its outcome stays unknown
    }
login-place-finger = Place your finger on the scanner...
login-finger-countdown = Place your finger on the scanner... { $seconds } s left
login-new-device-question = This scanner ({ $found }) is not the one this shop logged in with before ({ $pinned }). Use it from now on? [y/N]
login-device-pinned = Remembered this shop's scanner: { $device }.
answer-yes = yes
rd-several-ready = { $count } RD Services answer READY (ports { $ports }): a login uses whichever answers first. Stop the one you do not use, or set rd.ports to your scanner's port.
login-using-rd-service = Using the RD Service on port { $port } ({ $info }).
login-captured = Captured (quality { $qscore }, minutiae { $nmpoints }).
login-sending = Sending the daily login (attempt { $attempt })...
login-via-service = The rd-agent service is running: it does the login. When the scanner lights up, place your finger on it.

# Results (stdout). $until: "2026-11-23 00:00 IST".
login-already-logged-in = Already logged in for today (InstantPay says LOGGEDIN), valid until { $until }. Nothing was sent, nothing charged.
login-logged-in = Logged in: valid until midnight IST ({ $until }).
# $line: the ledger line of the attempt.
login-ledger-line = Ledger: { $line }
login-settled-earlier = Settled earlier attempt: { $line }

# Why a login did not end logged in.
login-error-scan = { $reason }. Nothing was sent, and no money was taken
login-error-capture-failed = The capture failed (RD error { $code }: { $info })
# $port: the RD Service's port; $who: the account running it, "alice (uid 1001)"; $shown: the same with its program where the OS shows it.
login-rd-untrusted = The RD Service on port { $port } is run by the user { $shown }, not by the system: rd-agent will not use it for a chargeable login, since another user's program could hand over a forged fingerprint. If it really is the scanner's RD Service, add { $who } to rd.trusted_users in the config
# $why: why the owner could not be read (an OS error).
login-rd-owner-unknown = rd-agent cannot tell who runs the RD Service on port { $port } ({ $why }), so it will not use it for a chargeable login
login-error-low-quality = The capture quality is too low (qScore { $qscore }, minutiae { $nmpoints }; the floors are { $min_qscore } and { $min_nmpoints }): place the finger again, flat and clean, and run "rd-agent login" again. Nothing was sent, nothing charged
login-error-locally-logged-in = InstantPay says login is required, but rd-agent logged in today already (the bank may have cancelled it). Run "rd-agent login --force" to log in again: it will be charged
login-error-status = Could not ask InstantPay for the login status: { $error }
login-error-mismatch = The fingerprint did not match the operator's registered Aadhaar (charged): run "rd-agent login" again with the registered finger. Attempt { $attempt }
login-error-rejected = InstantPay refused the login: { $reason }. Attempt { $attempt }
# The $reason of login-error-rejected. $meaning is one of the ipay-status-* sentences.
login-rejected-reason = { $statuscode } ({ $meaning }): { $message }
login-error-unknown = The outcome of attempt { $attempt } is unknown ({ $reason }): it may have been charged. It is NOT resubmitted; run "rd-agent login" later: it first asks InstantPay whether this attempt logged you in
login-error-settling = The outcome of attempt { $attempt } is not known yet: InstantPay may still be processing it, and a new login now could be charged twice. This time nothing was sent, and no money was taken. Run "rd-agent login" again in { $seconds } s
login-error-new-device = This scanner ({ $found }) is not the one this shop logged in with before ({ $pinned }). Nothing was sent, and no money was taken. If the shop now uses this scanner, run "rd-agent login --accept-new-device" (or answer yes when asked on a terminal); if not, connect the shop's own scanner
login-error-lock = Could not take the login lock { $path }: { $error }. Check the state directory's permissions
login-error-wrong-operator = This PC is set up for the Aadhaar ending { $configured }, but InstantPay expects outlet { $outlet }'s operator, ending { $expected }. Set the operator's Aadhaar: "rd-agent config set-secret operator.aadhaar". Nothing was captured or sent, and no money was taken
login-error-decline-guard = The last { $declines } logins were declined (or got no answer). A third decline in a row can block the operator's AePS at the bank. Clean the scanner and the finger, use the finger enrolled with Aadhaar, then run "rd-agent login --despite-declines" and answer yes. Nothing was sent, and no money was taken
login-error-key-expired = The RD Service encrypted the capture with a UIDAI key that expired on { $expired }: UIDAI would refuse it, and the attempt would still be charged. Update the RD Service from the scanner vendor (their website or support line), then log in again. Nothing was sent, and no money was taken
login-despite-declines-question = The last logins were declined. A third decline in a row can block your AePS at the bank for a while. Have you cleaned the scanner and the finger, and will you use the finger enrolled with Aadhaar? Log in anyway? [y/N]
login-despite-declines-needs-terminal = "--despite-declines" needs a person at a terminal to answer yes: run it in a terminal window, or use "Log in anyway" in the tray.
login-despite-declines-declined = Not logged in: nothing was sent, and no money was taken.
login-error-not-sent = The login was not sent (nothing charged): { $error }
login-error-aadhaar = { $error } Fix it with "rd-agent config set-secret"
login-service-did-not-finish = The rd-agent service did not finish the login: { $error }

## Status

# $until: "2026-11-23 00:00 IST".
status-logged-in = logged in until midnight IST ({ $until })
status-login-required = login required: run "rd-agent login"
status-unknown = unknown: an attempt has no known outcome; run "rd-agent login" (it asks InstantPay first and never resubmits on its own)
# $date: today's date in IST, "2026-11-22"; $state: one of the three above.
status-today = Today ({ $date } IST): { $state }
status-last-attempt = Last attempt: { $line }
status-last-attempt-none = Last attempt: none
status-charged = Attempts charged: { $today } today, { $month } this month
# Appended to status-charged when some charges are unknown.
status-charge-unknown = (plus { $today } today, { $month } this month whose charge is unknown)
# $today, $month: rupee amounts, already written as ₹ with two decimals.
status-paid = Paid: { $today } today, { $month } this month
status-paid-not-reported = Paid: charged, amount not reported
# Appended to status-paid; $today, $month: counts of charged attempts.
status-paid-plus-unknown = (plus { $today } charged today, { $month } this month, amount not reported)
# $amount: ₹ with two decimals.
status-wallet-balance = Wallet balance after the last charge: { $amount }
status-declines = Declined logins in a row: { $declines } (at { $limit } a login waits for the operator's go-ahead)
status-key-ok = UIDAI key of the last capture: valid until { $date }
status-key-expires-soon = UIDAI key of the last capture: expires on { $date }, in { $days } days. Ask the scanner vendor to update the RD Service before then
status-key-expired = UIDAI key of the last capture: expired on { $date }. Update the RD Service from the scanner vendor before the next login
status-key-unreadable = UIDAI key of the last capture: "{ $ci }" is not a date
status-service-sentence = Service: { $sentence }
status-service-no-answer = The rd-agent service did not answer: { $error }
status-service-unexpected = The rd-agent service gave an unexpected answer to status: update both to the same version

## Ledger

# The last column of a ledger line.
ledger-charged = charged
ledger-not-charged = not charged
ledger-charge-unknown = charge unknown
ledger-resolved = (resolved: { $resolution })
# One attempt of the ledger, as `status` and `login` show it. $time: "2026-11-22 08:20:05 IST";
# $attempt: its externalRef; $state: ledger-state; $codes: statuscode/actcode, "TXN/LOGGEDIN" or
# "-/-"; $device, $serial, $qscore: the scanner's model, serial and the capture's qScore;
# $charged: ledger-charged, ledger-charged-amount, ledger-not-charged or ledger-charge-unknown.
ledger-line = { $time }  { $attempt }  { $state }  { $codes }  device { $device } { $serial }  qScore { $qscore }  { $charged }
# The same line and how its unknown outcome was settled; $resolved: ledger-resolved.
ledger-line-resolved = { $line }  { $resolved }
# $amount: ₹ with two decimals.
ledger-charged-amount = charged { $amount }
# An attempt's state: the English is the ledger's own code, as support reads it.
ledger-state =
    { $state ->
        [sending] sending
        [loggedin] loggedin
        [rejected] rejected
        [unknown] unknown
        [shared] shared
        [not_sent] not_sent
       *[not_logged_in] not_logged_in
    }
# How an unknown outcome was settled: the English is the ledger's own code.
ledger-resolution =
    { $resolution ->
        [status_loggedin] status_loggedin
        [status_loginrequired] status_loginrequired
       *[stale] stale
    }
ledger-error-open = cannot open the ledger { $path }: { $reason }. Check the state directory's permissions (--state-dir)
ledger-error-too-new = the ledger { $path } was written by a newer rd-agent (schema { $found }, this build knows { $known }): upgrade rd-agent
ledger-error-sqlite = the ledger could not be read or written: { $error }. Check the disk and the state directory
ledger-error-no-such-attempt = no attempt with externalRef { $attempt } in the ledger
ledger-error-bad-row = the ledger's attempt { $attempt } has an unreadable { $column } ("{ $value }"): the file was changed by something other than rd-agent; keep it for support and do not edit it
ledger-error-open-attempt = attempt { $attempt } of today has no known outcome yet, so no new attempt is sent: run "rd-agent login" again in a few minutes

## Doctor

# The verdict tags, four characters wide in the English output.
doctor-tag-ok = { " ok " }
doctor-tag-warn = warn
doctor-tag-fail = FAIL
doctor-tag-skip = skip
# $check: the check's name (config, secrets, scanner_usb, rd_service, device_certificate, api, clock, service).
doctor-needs-attention = doctor: { $check } needs attention

doctor-config-ok = The config { $path } is complete.
doctor-service-config-ok = The service's settings in { $path } are complete.
doctor-service-config-incomplete = The service cannot log in yet: { $count ->
    [one] one setting is
   *[other] { $count } settings are
} still to fill in. The first: { $problem }
doctor-secrets-ok = The client secret, the encryption key and the operator's Aadhaar are set.
# $names: the secrets' config keys, comma-separated.
doctor-secrets-missing = Not set: { $names }. Set each with "rd-agent config set-secret NAME" (the value is read from stdin).
# $names: scanner models, comma-separated.
doctor-usb-ok = On USB: { $names }.
doctor-usb-none = No supported fingerprint scanner on USB: plug the scanner in (try another port or cable).
doctor-usb-unreadable = USB cannot be read by this user here; if the RD Service check below passes, this does not matter.
# $url: "http://127.0.0.1:11100".
doctor-rd-ready = RD Service READY on { $url } ({ $info }).
doctor-needs-ready-rd = Needs a READY RD Service.
# $date: "2026-11-22" (IST).
doctor-cert-expired = The device certificate expired on { $date }: renew the RD service with the scanner's vendor.
doctor-cert-expires-soon =
    The device certificate expires on { $date }, in { $days ->
        [one] { $days } day
       *[other] { $days } days
    }: renew the RD service with the scanner's vendor now.
doctor-cert-valid =
    The device certificate is valid until { $date } ({ $days ->
        [one] { $days } day
       *[other] { $days } days
    }).
doctor-cert-unreadable = The device certificate could not be read ({ $error }): ask the vendor whether the RD service is registered.
# $environment: the environment name InstantPay reports in its reply; $today: logged_in or login_required.
doctor-api-ok =
    InstantPay ({ $environment }) accepts the credentials; today: { $today ->
        [logged_in] logged in
       *[login_required] login required
    }.
doctor-needs-api-answer = Needs an answer from InstantPay.
doctor-needs-config = Needs a complete config and the secrets (see above).
# Two sentences of one check, one after the other.
doctor-two-sentences = { $first } { $second }
# $timestamp: the text InstantPay sent.
doctor-clock-unreadable = InstantPay's timestamp "{ $timestamp }" could not be read, so the clock was not compared.
# $seconds: the difference, always positive; $direction: ahead or behind.
doctor-clock-ok =
    The system clock is { $seconds }s { $direction ->
        [ahead] ahead of
       *[behind] behind
    } InstantPay's.
doctor-clock-warn =
    The system clock is { $seconds }s { $direction ->
        [ahead] ahead of
       *[behind] behind
    } InstantPay's: enable time synchronisation (NTP).
doctor-clock-fail =
    The system clock is { $seconds }s { $direction ->
        [ahead] ahead of
       *[behind] behind
    } InstantPay's: set the system clock (enable time synchronisation); the RD Service refuses captures when it is off by 10 minutes.
doctor-service-ok = The rd-agent service is running: { $sentence }
doctor-service-odd = The rd-agent service answered oddly: restart it.
doctor-service-down = The rd-agent service is not running: reminders and the tray need it ("rd-agent service install").
# $attempt: the attempt's reference; $explained: what UIDAI's code means (uidai-*), then the reply.
doctor-last-login-uidai = Attempt { $attempt }: { $explained }
doctor-last-login-ok = The last login attempt ({ $attempt }) reported no UIDAI error.
doctor-operator-ok = The Aadhaar set on this PC (ending { $configured }) is the operator InstantPay expects.
doctor-operator-mismatch = This PC is set up for the Aadhaar ending { $configured }, but InstantPay expects outlet { $outlet }'s operator, ending { $expected }. Set the operator's Aadhaar: "rd-agent config set-secret operator.aadhaar".
doctor-operator-unknown = InstantPay's reply named no operator to compare with.

## Devices

devices-port-failure = port { $port }: { $error }
# $scanner: the scanner model found on USB.
devices-usb-no-service = A { $scanner } is plugged in: the RD Service is not running or not on these ports.
devices-no-scanner = No known scanner is plugged in: connect the scanner.
devices-device = { $dp_id } { $mi } (rds { $rds_id } { $rds_ver }), serial { $serial }
devices-device-info-error = device info: { $error }
# $date: RFC 3339 date and time.
devices-cert-expires =
    device certificate expires { $date } ({ $days ->
        [one] { $days } day left
       *[other] { $days } days left
    })
devices-cert-error = device certificate: { $error }
# $vendor_id, $product_id: four hex digits each.
devices-usb = USB { $vendor_id }:{ $product_id } { $name } (bus { $bus } address { $address })
devices-note = note: { $error }
# $owner: the account running the RD Service, "root (uid 0), pid 812, /opt/mantra/rdservice".
devices-trusted = run by { $owner }: used for the login
# $why: login-rd-untrusted or login-rd-owner-unknown.
devices-not-trusted = run by { $owner }: NOT used for the login. { $why }
devices-warning = warning: { $warning }

## Capture

# $url: "http://127.0.0.1:11100".
capture-captured-on = captured on { $url } ({ $info })
capture-device = device { $dp_id } { $mi } serial { $serial }  rds { $rds_id } { $rds_ver }
capture-quality = quality qScore { $qscore }  nmPoints { $nmpoints }  fType { $ftype }  fCount { $fcount }
capture-crypto = crypto: sessionKey { $skey_chars } chars, hmac { $hmac_chars } chars, pidData { $data_chars } chars (type { $data_type })
capture-cert-expires = device certificate expires { $date }

## Config

# `rd-agent config init`, `show` and `set-secret` (src/cli/config.rs).
config-setting-up = Setting up { $path } (Enter keeps the value in brackets).
config-setting-up-service = Setting up the rd-agent service: its settings are kept in { $path } (Enter keeps the value in brackets).
config-change-needs-administrator = Only an administrator can change { $key } now that the service is set up: it decides where the shop's secrets are sent. Nothing was changed. Ask your administrator to run this command (on Linux with sudo).
# Prompts: the answer is typed after them on the same line. $question: one of config-ask-*.
config-prompt-value = { $question } [{ $current }]:{ " " }
config-prompt-secret-keep = { $question } [{ $shown }] (what you type stays hidden; Enter keeps it):{ " " }
config-prompt-secret = { $key } (hidden):{ " " }
# The wizard's questions, each with an example (src/cli/wizard.rs).
config-ask-base-url = InstantPay's web address (keep it unless your platform gives you another, e.g. https://api.instantpay.in)
config-ask-client-id = Your platform's InstantPay client id (as your platform gave it to you)
config-ask-outlet-id = Your InstantPay outlet id (numbers only, e.g. 123456)
config-ask-endpoint-ip = The shop's public internet IP address that InstantPay allows (e.g. 203.0.113.9)
config-ask-latitude = The shop's latitude (from Google Maps, e.g. 28.6139)
config-ask-longitude = The shop's longitude (from Google Maps, e.g. 77.2090)
config-ask-rd-ports = The ports where the scanner's RD Service answers (keep the usual ones unless told otherwise, e.g. 11100-11120)
config-ask-min-qscore = The lowest fingerprint quality to send, 0 to 100 (e.g. 40)
config-ask-min-nmpoints = The fewest fingerprint points to send (e.g. 20)
config-ask-client-secret = Your platform's InstantPay client secret (from the same place as the client id; ask your platform if you do not have it)
config-ask-encryption-key = InstantPay's "Encryption Key" (32 characters, from the same place as the client secret)
config-ask-aadhaar = The operator's Aadhaar number (the 12 digits on the Aadhaar card)
config-ask-relay-token = This computer's relay token (rd-agent enroll sets it; ask your platform's support)
# What a refused answer is called in config-value-refused and config-flag-refused; a $reason follows it.
config-field-base-url = InstantPay's web address
config-field-client-id = the client id
config-field-outlet-id = the outlet id
config-field-endpoint-ip = the shop's IP address
config-field-latitude = the latitude
config-field-longitude = the longitude
config-field-rd-ports = the RD Service ports
config-field-min-qscore = the lowest quality
config-field-min-nmpoints = the fewest points
# $field: a config-field-*; $reason: a config-reason-*.
config-value-refused = Not accepted: { $field } { $reason }. Please type it again.
config-flag-refused = The value of --{ $flag } was not accepted: { $field } { $reason }.
# $reason: why the secret store refused it (a secrets-error-* sentence).
config-secret-refused = Not accepted: { $reason }. Please type it again.
config-cannot-read-terminal = cannot read the terminal: { $error }
config-cannot-read-stdin = cannot read standard input: { $error }
config-wrote = Wrote { $path }
config-ready = Ready for "rd-agent login".
config-not-ready = Not ready for a real login yet:
config-secret-not-set = "{ $key }" is not set: run "rd-agent config set-secret { $key }"
# `config show`; the code puts "# " in front of each line.
config-show-file = config file: { $path }
config-show-file-missing = config file: { $path } (not found: defaults)
config-show-state-dir = state dir:   { $path }
config-show-via-service = the rd-agent service's settings (read through the service)
config-show-defaults-file = defaults:    { $path } (an administrator's; the config file wins)
config-show-secrets = secrets ({ $path }):
# How a secret is shown (the Aadhaar is shown masked instead of "set").
secret-shown-set = set
secret-shown-not-set = not set
secret-shown-aadhaar-invalid = { $masked } (fails its check digit: set it again)
config-secret-too-long = { $key } is too long: type the value only
config-secret-not-text = { $key } must be text
# After set-secret: "instantpay.client_secret set in /path/secrets.toml".
config-secret-saved = { $key } { $shown } in { $path }
# The header `config init` writes at the top of the config file; the code puts "# " in front.
config-file-header-overrides = rd-agent config. Every key can be overridden by RD_AGENT_<SECTION>__<KEY>.
config-file-header-secrets = Secrets are not kept here: use "rd-agent config set-secret NAME".
# The header of the secrets file; the code puts "# " in front.
secrets-file-header = rd-agent secrets: keep this file private (mode 0600). Edit with "rd-agent config set-secret".

# Config errors (src/config/mod.rs).
config-error-read = cannot read the config file { $path }: { $reason }. Check the path, or run "rd-agent config init"
config-error-too-large = the config file { $path } is larger than { $limit } bytes: is it the right file?
config-error-syntax = the config file { $path } is not valid TOML: { $reason }. Fix the file, or recreate it with "rd-agent config init --overwrite"
# $source: the file's path, config-source-env, or config-source-checked.
config-error-unknown-key = { $source }: unknown key "{ $key }". Remove it, or check its spelling against "rd-agent config show"
config-error-invalid = { $source }: "{ $key }" { $reason }
config-error-missing = "{ $key }" is not set. { $hint }
config-error-write = cannot write the config file { $path }: { $reason }
# $what: config (the config file) or state (the state directory).
config-error-dir-writable = { $path } can be changed by other users (mode { $mode }), who could then replace rd-agent's files: run "chmod go-w { $path }" (or choose another directory)
config-error-dir-owner = { $path } belongs to another user (uid { $uid }), who could replace rd-agent's files: run "sudo chown $(id -u) { $path }", or choose a directory of your own
config-error-no-location =
    no home or system directory found for the { $what ->
        [config] config file
       *[state] state directory
    }: pass --config FILE and --state-dir DIR (or set RD_AGENT_CONFIG and RD_AGENT_STATE_DIR)
# The hint of config-error-missing. $env_var: "RD_AGENT_INSTANTPAY__CLIENT_ID".
config-missing-hint = Run "rd-agent config init", or set it in the config file or with { $env_var }
config-source-env = environment variable { $name }
config-source-checked = config
# The $key of config-error-invalid when the whole file is at fault.
config-key-file = (file)
# Reasons: they follow the key, as in "`rd.host` must not be empty; use 127.0.0.1".
config-reason-blank = must not be empty
config-reason-outlet-id = must be digits only, e.g. 123456, not "{ $value }"
config-reason-endpoint-ip = must be an IP address such as 203.0.113.9, not "{ $value }"
config-reason-url = must be a web address starting with https://, such as { $example }, not "{ $value }"
config-reason-coordinate-format = must be decimal degrees with 3 to 6 decimals, such as { $example }, not "{ $value }"
config-reason-coordinate-range = must be inside India, from { $min } to { $max }, not { $value }
config-reason-port-range = must be a port or a range LOW-HIGH, such as 11100-11120, not "{ $value }"
config-reason-secret = is a secret: set it with "rd-agent config set-secret"
config-reason-read-timeout = must be at least 1 (seconds); 30 is a good value
# $floor: twice instantpay.read_timeout_secs plus 60.
config-reason-settle-window = must be at least twice instantpay.read_timeout_secs plus 60 ({ $floor }): a shorter window could pay twice for one login
config-reason-host-empty = must not be empty; use 127.0.0.1
config-reason-not-utf8 = it is not UTF-8 text
config-reason-not-section = must be a section "[{ $section }]", not a single value
# $expected: one of the config-kind-* texts; $found: the TOML type name (string, integer, ...).
config-reason-wrong-type = must be { $expected }, not { $found }
config-reason-must-be = must be { $expected }
config-kind-string = a quoted string, e.g. "value"
config-kind-integer = a whole number from 0 up
config-kind-boolean = true or false
config-kind-float = a number, e.g. 1.5
config-kind-other = a value of another kind
# Values that must have a shape (crates/rd/src/ports.rs, crates/clock/src/lib.rs).
config-port-range-invalid = "{ $value }" is not a port range; write a port or LOW-HIGH, e.g. 11100-11120
config-time-of-day-invalid = must be a time HH:MM in IST, e.g. "08:00" (got "{ $value }")
# More reasons after a key (src/config/keys.rs, src/config/model.rs, src/config/load.rs).
config-reason-secret = is a secret: set it with `rd-agent config set-secret`
config-reason-mode = must be direct (this computer holds the InstantPay credentials) or relay (the platform's login relay holds them), not "{ $value }"
config-reason-language = must be en (English), hi (Hindi) or auto (the computer's language), not "{ $value }"
config-reason-host-not-loopback = must be a loopback address such as 127.0.0.1, not "{ $value }": an RD Service runs on this computer, and one elsewhere could hand over a forged capture
# $example: "https://api.instantpay.in".
config-reason-not-url = "{ $value }" is not a URL (e.g. { $example })
config-reason-not-https = "{ $value }" must use https (plain http only to a loopback test server)

# Secrets errors (src/config/secrets.rs).
secrets-error-unknown-name = unknown secret "{ $name }": the secrets are instantpay.client_secret, instantpay.encryption_key, operator.aadhaar and relay.token
secrets-error-read = cannot read the secrets file { $path }: { $reason }
secrets-error-permissions = the secrets file { $path } can be read by other users: run "chmod 600 { $path }"
secrets-error-damaged = the secrets file { $path } is damaged ({ $reason }): set the secrets again with "rd-agent config set-secret NAME"
secrets-error-write = cannot write the secrets file { $path }: { $reason }
secrets-error-missing = "{ $key }" is not set: run "rd-agent config set-secret { $key }" and type it (it is read from standard input, never from the command line)
secrets-error-empty = "{ $key }" is empty: type the value, then Enter
secrets-error-aadhaar = "operator.aadhaar": { $error }
# A number stored by a release whose check-digit table was wrong (src/config/secrets.rs).
secrets-error-aadhaar-stored-invalid = The operator's Aadhaar stored on this PC (XXXX XXXX { $last_four }) fails its check digit: it was probably mistyped when it was set, and an older rd-agent did not notice. rd-agent will not use it, so no login is sent and nothing is charged. Set it again: "rd-agent config set-secret operator.aadhaar".
secrets-error-key-length = "instantpay.encryption_key" must be exactly { $expected } bytes (the "Encryption Key" InstantPay issues, not the client secret); this one has { $count } bytes
secrets-reason-not-toml = it is not valid TOML
secrets-reason-unknown-entry = unknown entry "{ $key }"
secrets-reason-not-string = { $key } is not a string
secrets-reason-too-large = it is far too large

## Service

service-installed = rd-agent service installed.
service-uninstalled = rd-agent service uninstalled.
service-ran = ran: { $command }
# $installed, $enabled, $running: service-yes or service-no; $detail: the service manager's words.
service-status = installed: { $installed }, enabled: { $enabled }, running: { $running } ({ $detail })
service-yes = yes
service-no = no
service-says = service says: { $sentence }
service-no-answer = no answer on { $path }
service-not-running = The rd-agent service is not running: start it with "systemctl start rd-agent" (Linux) or "sc start rd-agent" (Windows).
service-exe-not-found = Could not find this program's own path: { $error }
service-error-not-privileged = Installing the service needs administrator rights: run it again with sudo (Linux) or from an elevated prompt (Windows).
service-error-write = Could not write { $path }: { $error }. Check that the directory exists and is writable.
service-error-command = "{ $command }" failed: { $detail }
service-error-manager = The service manager refused: { $error }
service-error-unsupported = Service registration is not supported on this platform.

## Sandbox

# `rd-agent login --sandbox` (src/cli/login.rs).
sandbox-banner = Sandbox: simulated RD Service ({ $vendor }) on 127.0.0.1:{ $port }, sandbox InstantPay at { $base_url }, demo outlet { $outlet }, test Aadhaar { $aadhaar }, state in { $state_dir }
sandbox-instantpay-failed = could not start the sandbox InstantPay: { $error }
sandbox-rd-failed = could not start the simulated RD Service: { $error }
sandbox-fixtures-missing = the sandbox fixtures are missing from this build
# `rd-agent sandbox` (src/cli/sandbox.rs).
sandbox-rd-line = simulated RD Service: { $vendor } on { $url }
sandbox-instantpay-line = sandbox InstantPay:   { $base_url } (demo outlet { $outlet }, client id { $client_id }, operator { $aadhaar })
sandbox-stop-hint = Ctrl-C to stop.
sandbox-instantpay-port-failed = cannot start the sandbox InstantPay on 127.0.0.1:{ $port }: { $error }; choose another --api-port
sandbox-unknown-vendor = unknown vendor "{ $vendor }"; choose one of: { $vendors }
sandbox-rd-port-failed = cannot start the simulated RD Service on 127.0.0.1:{ $port }: { $error }

## RD Service errors

# crates/rd/src/transport.rs. $verb is the RD protocol verb: RDSERVICE, DEVICEINFO or CAPTURE.
rd-not-found = no RD Service answered on { $host } ports { $ports }. Connect the scanner and start the scanner's RD Service (or check rd.ports and that the scanner's driver is installed)
rd-refused = could not connect to the RD Service on port { $port }: connection refused. Start the RD Service
rd-connect = could not connect to the RD Service on port { $port }: { $detail }. Start the RD Service
rd-timeout = the RD Service on port { $port } did not answer { $verb } within { $ms } ms. Restart the RD Service
rd-http-status = the RD Service on port { $port } answered { $verb } with HTTP status { $status }. Restart the RD Service
rd-too-large = the reply to { $verb } on port { $port } is over { $limit } bytes; the port may not hold an RD Service
rd-not-http = the reply to { $verb } on port { $port } is not valid: the connection failed or the reply is not HTTP ({ $detail })
rd-malformed = the reply to { $verb } on port { $port } is not valid: { $detail }
# $status: NOTREADY or USED.
rd-not-ready = the RD Service on port { $port } is { $status }, not READY. Connect the scanner, or close the application using it
rd-capture-failed = the capture on port { $port } failed: { $failure }
rd-options-invalid = the capture options are invalid: { $error }
rd-client-failed = could not set up the HTTP client: { $error }
rd-no-scheme = no scheme to probe
rd-reply-unexpected = expected <{ $expected }>, found <{ $found }>
rd-reply-no-status = <RDService> has no status attribute

## RD Service replies

# crates/rd/src/pid.rs
rd-pid-unreadable = the PidData reply could not be read: { $error }. Capture again; if it repeats, restart or reinstall the RD Service
rd-pid-not-piddata = the reply is <{ $found }>, not <PidData>. Check that the port belongs to an RD Service
rd-pid-missing = the PidData reply has no <{ $element }> element. Capture again; if it repeats, update the RD Service
rd-pid-no-errcode = the PidData reply has no errCode on <Resp>. Capture again; if it repeats, update the RD Service
rd-pid-bad-errcode = the PidData errCode "{ $code }" is not a number. Capture again; if it repeats, update the RD Service
rd-pid-empty = the PidData <{ $element }> element is empty although errCode is 0. Capture again
# crates/rd/src/xml.rs: details inside rd-malformed and rd-pid-unreadable.
rd-xml-empty = the reply is empty
rd-xml-too-large = the reply is { $size } bytes, over the { $limit }-byte limit
rd-xml-not-utf8 = the reply is not UTF-8 text (bad byte at offset { $offset })
rd-xml-syntax = the reply is not well-formed XML at byte { $offset }: { $detail }
rd-xml-truncated = the reply is truncated: it ends inside <{ $element }>
rd-xml-no-root = the reply has no root element
rd-xml-multiple-roots = the reply has more than one root element
rd-xml-too-deep = the reply nests elements more than { $limit } deep
rd-xml-too-many-elements = the reply has more than { $limit } elements
# crates/rd/src/cert.rs
rd-cert-empty = the device certificate (mc) is empty
rd-cert-not-base64 = the device certificate (mc) is not base64
rd-cert-not-x509 = the device certificate (mc) is not an X.509 certificate: { $error }
rd-cert-bad-date = the device certificate (mc) has a validity date out of range
# crates/rd/src/usb.rs
rd-usb-list-failed = could not list USB devices ({ $error }); check that this user may read the USB bus
# crates/rd/src/options.rs
rd-option-fcount = fCount must be 1 to 10, not { $value }
rd-option-ftype = fType must be 0 (FMR), 1 (FIR) or 2 (FMR+FIR), not { $value }
rd-option-timeout = the capture timeout must be 1000 to 120000 ms, not { $value }
rd-option-env = env must be P (production), PP (pre-production) or S (staging), not "{ $value }"

## RD error codes

# crates/rd/src/errors.rs. The whole sentence of a failed capture:
# $info is the service's errInfo, or the code's meaning (rd-error-NNN-meaning) when it sent none;
# $action is rd-error-NNN or one of the rd-error-999-* refinements.
rd-capture-failure = the RD Service reported error { $code } ({ $info }). { $action }
rd-error-unknown = Restart the RD Service and try again; if it repeats, contact the scanner's vendor.

rd-error-100-meaning = invalid PidOptions
rd-error-100 = Update rd-agent: the RD Service rejected the capture options.
rd-error-110-meaning = fType not supported
rd-error-110 = Update the RD Service, or capture with fType 0 (FMR).
rd-error-120-meaning = invalid fCount
rd-error-120 = Capture with fCount between 1 and 10.
rd-error-130-meaning = invalid iType
rd-error-130 = Capture without iris options.
rd-error-140-meaning = invalid iCount
rd-error-140 = Capture with iCount 0.
rd-error-150-meaning = invalid pidVer
rd-error-150 = Capture with pidVer 2.0, or update the RD Service.
rd-error-160-meaning = invalid timeout
rd-error-160 = Use a capture timeout between 1 and 120 seconds.
rd-error-170-meaning = invalid posh
rd-error-170 = Capture with posh UNKNOWN.
rd-error-180-meaning = face matching not supported
rd-error-180 = Capture without face options.
rd-error-190-meaning = invalid format
rd-error-190 = Capture with format 0 (XML).
rd-error-200-meaning = invalid Demo structure
rd-error-200 = Capture without Demo data.
rd-error-210-meaning = protobuf format not supported
rd-error-210 = Capture with format 0 (XML).
rd-error-220-meaning = invalid env
rd-error-220 = Set rd.env to P, PP or S to match the RD Service's registration.
rd-error-700-meaning = capture timed out
rd-error-700 = Place the finger on the scanner again, within the time allowed.
rd-error-710-meaning = device in use by another application
rd-error-710 = Close the other application using the scanner, then try again.
rd-error-720-meaning = device not ready or not connected
rd-error-720 = Connect the scanner (check the USB cable), then try again.
rd-error-730-meaning = capture failed, aborted or USB disconnected
rd-error-730 = Place the finger again and keep the USB cable connected.
rd-error-740-meaning = device needs to be re-initialised
rd-error-740 = Unplug the scanner, plug it back in, and try again.
rd-error-750-meaning = no fingerprint support
rd-error-750 = Use a fingerprint RD Service for this login.
rd-error-760-meaning = no iris support
rd-error-760 = Capture a fingerprint, not an iris.
rd-error-770-meaning = invalid URL
rd-error-770 = Restart the RD Service; it rejected the capture address.
rd-error-900-meaning = device locked to another application
rd-error-900 = Use a scanner registered for this application, or ask the vendor to unlock it.
rd-error-999-meaning = internal error of the RD Service
rd-error-999 = Renew or re-register the RD Service with the vendor, check the internet connection and the clock, then try again.
# Error 999, refined by the words of the service's errInfo.
rd-error-999-not-registered = Register the scanner with the vendor's RD Service (connect to the internet and register), then try again.
rd-error-999-clock = Set the computer's clock to the correct time (automatic time), then try again.
rd-error-999-certificate = Renew the RD Service: its certificate is invalid or still downloading; connect to the internet and wait.
rd-error-999-permission = Allow the RD Service to use the USB scanner, then try again.
rd-error-999-internet = Connect to the internet so the RD Service can reach its management server, then try again.
rd-error-999-usb = Check the scanner's USB connection, then try again.

## InstantPay errors

# crates/instantpay/src/client.rs
api-error-config = InstantPay client settings: { $error }
api-error-request = The login was not sent (nothing charged): { $error }
api-error-connect = Could not connect to InstantPay at { $base_url } ({ $reason }): check the network and instantpay.base_url. Nothing was sent, and no money was taken.
api-error-no-answer = InstantPay at { $base_url } gave no answer ({ $reason }): the request may have been received; try again later.
api-error-reply = { $error } (HTTP { $http_status })
# $meaning: one of the ipay-status-* sentences.
api-error-rejected = InstantPay refused the request: { $statuscode } ({ $meaning }): { $message }
# $call: the API call's name (outletLoginStatus).
api-error-unexpected = InstantPay answered { $statuscode }/{ $actcode } to { $call }, which rd-agent does not understand: quote these codes to InstantPay support.
# The $error of api-error-config.
api-base-url-not-url = instantpay.base_url "{ $base_url }" is not a URL (e.g. { $example }).
api-base-url-not-https = instantpay.base_url "{ $base_url }" must use https (plain http only to a loopback test server).
api-endpoint-ip-invalid = instantpay.endpoint_ip "{ $value }" is not an IP address: set this machine's public IP as whitelisted with InstantPay.
# $key: instantpay.client_id, instantpay.endpoint_ip or instantpay.outlet_id.
api-setting-empty = { $key } is empty: set it in the config.
api-setting-bad-characters = { $key } contains characters that cannot go in an HTTP header (a newline or non-ASCII?): re-enter it.
api-client-secret-empty = the client secret is empty: set it with "rd-agent config set-secret instantpay.client_secret".
api-client-secret-bad-characters = the client secret contains characters that cannot go in an HTTP header (a newline or non-ASCII?): set it again with "rd-agent config set-secret instantpay.client_secret".
api-http-client-failed = the HTTP client could not start: { $error }
api-request-encode-failed = the request body could not be encoded.
api-login-encode-failed = the login body could not be encoded.
# Reasons inside api-error-connect, api-error-no-answer and login-error-unknown.
api-no-reply-within = no reply within { $seconds } s
api-timed-out = timed out
api-reply-unreadable = the reply could not be read: { $error } (HTTP { $http_status })
api-sent-but = the request was sent but { $reason }
api-reply-over-limit = the reply was larger than { $limit } bytes (HTTP { $http_status })
api-txn-unknown-actcode = InstantPay answered TXN with actcode "{ $actcode }", which is neither LOGGEDIN nor LOGINREQUIRED
api-under-process = InstantPay says the login is under process (TUP)
# crates/instantpay/src/envelope.rs
api-reply-empty = InstantPay's reply was empty.
api-reply-too-large = InstantPay's reply is larger than { $limit } bytes: refused.
api-reply-malformed = InstantPay's reply is not a JSON envelope ({ $detail }): the server may be down or not InstantPay.

## InstantPay status codes

# crates/instantpay/src/codes.rs: what each statuscode / actcode means and what to do.
ipay-status-txn = success
ipay-status-tup = transaction under process: do not resubmit; check the status later
ipay-status-err = failure reported by the provider or bank: try again later
ipay-status-rpi = invalid parameters in the request: check the outlet's latitude/longitude and the capture
ipay-status-iac = invalid credentials: check instantpay.client_id and the client secret
ipay-status-uad = access denied: check that this machine's IP (instantpay.endpoint_ip) is whitelisted with InstantPay
ipay-status-iat = invalid token or auth code: check the client credentials
ipay-status-oui = outlet unauthorised or inactive: re-onboard the outlet if it has not transacted in 6 months
ipay-status-odi = outlet data incorrect: check instantpay.outlet_id and the operator's Aadhaar
ipay-status-dtx = duplicate transaction: this externalRef was already used
ipay-status-did = duplicate request id: this externalRef was already used
ipay-status-ise = InstantPay internal error: try again later
ipay-status-ipe = InstantPay internal processing error: try again later
ipay-status-spd = service provider down: try again later
ipay-status-spe = service provider error: try again later
ipay-status-usm = InstantPay is under maintenance: try again later
ipay-status-sna = service not available for this account: ask InstantPay to enable AePS for the outlet
ipay-status-unknown = a code rd-agent does not know: quote it to InstantPay support
ipay-act-loggedin = the outlet is logged in for today
ipay-act-loginrequired = the outlet must do its daily biometric login

## Login request

# crates/instantpay/src/request.rs. $which: latitude or longitude (also the config key's last part).
request-coordinate-format =
    The { $which ->
        [latitude] latitude
       *[longitude] longitude
    } "{ $value }" is not decimal degrees with 4 to 6 decimals (e.g. "28.6139"): fix outlet.{ $which } in the config.
request-coordinate-range =
    The { $which ->
        [latitude] latitude
       *[longitude] longitude
    } { $value } lies outside India ({ $min } to { $max }): fix outlet.{ $which } in the config.
request-external-ref = The externalRef must be 1 to 40 letters and digits; this one is not.
request-encrypted-aadhaar = encryptedAadhaar is missing or not 44 characters: encrypt the operator's Aadhaar first.

## Aadhaar

# crates/instantpay/src/aadhaar.rs
aadhaar-length =
    The Aadhaar number must have exactly 12 digits (spaces allowed); { $count ->
        [one] this one has { $count } digit.
       *[other] this one has { $count }.
    }
aadhaar-not-digits = The Aadhaar number may contain only digits and spaces.
aadhaar-first-digit = The Aadhaar number cannot start with 0 or 1: check the number typed.
aadhaar-check-digit = The Aadhaar number fails its check digit (Verhoeff): check for a mistyped digit.
aadhaar-key-length = The encryption key must be exactly 32 bytes (the "Encryption Key" InstantPay issues, not the client secret); this one has { $count } bytes.
aadhaar-encoding = encryptedAadhaar is not 44 characters of standard base64.
aadhaar-decrypt = encryptedAadhaar could not be decrypted with this key (wrong key or damaged data).

## Device generation

# A scanner's generation, from crates/rd/src/generation.rs; $device is its provider, model and
# RD Service.
device-generation-l1 = { $device } is an L1 registered device.
device-generation-l0 = { $device } is an L0 device: UIDAI was to switch L0 devices off after 30 June 2025. Replace it with an L1 device before UIDAI refuses it (error 553-557).
device-generation-unknown = { $device }: its generation (L0 or L1) is not in rd-agent's table; ask the vendor if unsure.

## UIDAI error codes

# Codes UIDAI returns through InstantPay (usually inside the status text of a rejected or
# mismatched login), with what the operator should do.
uidai-300 = The fingerprint did not match this Aadhaar (UIDAI 300). Clean the finger, place the finger registered with this Aadhaar flat on the scanner, and log in again. This attempt was charged.
uidai-330 = The biometrics of this Aadhaar are locked by its holder (UIDAI 330). Unlock them with UIDAI (mAadhaar app or the UIDAI website), then log in again.
uidai-553 = UIDAI does not accept this RD Service (UIDAI 553: RD not supported). Use an L1 device, and update and re-register its RD Service with the vendor.
uidai-554 = UIDAI does not accept public devices (UIDAI 554). Use an L1 device registered for this shop, and re-register its RD Service with the vendor.
uidai-555 = UIDAI does not know this RD Service (UIDAI 555: invalid rdsId); it is usually an old L0 or unregistered device. Use an L1 device, and update and re-register its RD Service with the vendor.
uidai-556 = UIDAI does not accept this RD Service version (UIDAI 556: invalid rdsVer); it is usually an old L0 or unregistered device. Update and re-register the RD Service with the vendor, or use an L1 device.
uidai-557 = UIDAI does not know this device provider (UIDAI 557: invalid dpId); it is usually an old L0 or unregistered device. Use an L1 device, and update and re-register its RD Service with the vendor.
uidai-561 = The request expired (UIDAI 561): the capture is too old by the time it reached UIDAI. Check the computer's clock, then scan the finger again and send it at once.
uidai-562 = The capture time is in the future (UIDAI 562): the computer's clock is wrong. Set the clock right (automatic time; "rd-agent doctor" checks it), then log in again.
uidai-563 = UIDAI has already received this capture (UIDAI 563: duplicate request). Scan the finger again: a capture is never sent twice.
# The reply's own text, kept under the explanation for support.
uidai-reply = InstantPay's reply, word for word: "{ $message }"
# A UIDAI code's sentence, then InstantPay's reply on the next line.
uidai-explained =
    { $sentence }
    { $reply }

## The login relay (src/cli/enroll.rs, src/i18n/errors.rs)
enroll-done = Enrolled: this computer logs in outlet { $outlet } through the login relay at { $url } (device { $device }). It holds no InstantPay secret.
enroll-next = Next: run "rd-agent login" for today's login.
enroll-sandbox-aadhaar-ignored = This relay is a sandbox and offered a test Aadhaar: it was not stored as the operator's (that needs "rd-agent enroll --sandbox").
enroll-bad-reply = The relay's enrolment reply has no usable { $what }: tell the platform's support. This computer's settings were not changed.
relay-device-revoked = The platform has withdrawn this computer's access to the login relay. Nothing was sent, and no money was taken. Ask the platform for a new enrolment code, then run "rd-agent enroll" again.
relay-device-unknown = The login relay does not know this computer (its enrolment was removed, or the token is wrong). Nothing was sent, and no money was taken. Ask the platform for a new enrolment code, then run "rd-agent enroll" again.
relay-rate-limited = The login relay is receiving too many requests from this outlet. Nothing was sent, and no money was taken. Wait a minute, then try again.
relay-outlet-busy = Another computer of this outlet is logging in right now. Nothing was sent, and no money was taken. Try again in a minute: if it logged in, this computer is logged in too.
relay-settling = The outcome of an earlier login of this outlet is not known yet, and a new one now could be charged twice. This time nothing was sent, and no money was taken. Try again in a few minutes.
relay-code-invalid = This enrolment code is unknown, already used or expired. Ask the platform for a new one.
relay-wrong-operator = InstantPay has another operator on file for this outlet than the Aadhaar set on this computer. Nothing was sent, and no money was taken. Set the operator's Aadhaar: "rd-agent config set-secret operator.aadhaar".
relay-key-expired = The RD Service encrypted the capture with a UIDAI key that has expired: UIDAI would refuse it, and the attempt would still be charged. Nothing was sent, and no money was taken. Update the RD Service from the scanner vendor, then log in again.
relay-decline-guard = This outlet's last two logins were declined, and a third decline in a row can block the operator's AePS at the bank. Nothing was sent, and no money was taken. Clean the scanner and the finger, then call your platform's support: they can let the next login through.
relay-failure-cap = This outlet has had too many failed, charged logins today. Nothing was sent, and no money was taken. Call your platform's support: they can let the next login through.
api-error-relay = The login relay refused the call ({ $code }): { $message } Nothing was sent, and no money was taken.

## Help

# `--help` of the operator's commands (src/cli/help.rs): help-<command>-about for a command,
# help-<command>-<argument> for its arguments. Short: one line each in a terminal.
help-rd-agent-about = Daily AePS biometric login agent
help-heading-usage = Usage:
help-heading-commands = Commands:
help-heading-arguments = Arguments:
help-heading-options = Options:
help-flag-help = Print help
help-flag-version = Print version
help-global-json = Print one JSON document on stdout instead of human text
help-global-config = Config file (default: the system or per-user location)
help-global-state-dir = State directory: ledger, secrets file, logs, IPC socket
help-global-socket = The service's IPC endpoint (default: the one the service recorded in the state directory, else "<state dir>/agent.sock", else the system one)
help-global-lang = The language of what a person reads: en, hi or auto (default: the config's ui.language)
help-login-about = The daily login
help-login-sandbox = Run against the embedded sandbox (simulated RD Service and sandbox InstantPay)
help-login-force = Skip the local "already logged in" check (never the remote status check)
help-login-accept-new-device = Log in with a scanner other than the one this shop used before, and remember it
help-login-despite-declines = Log in although the last two logins were declined (a third decline can block the operator's AePS): asks for a yes on a terminal, and is refused without one
help-status-about = Today's login state, expiry, last attempt and attempts charged
help-doctor-about = Check everything a support call would
help-devices-about = Discover RD Services on this machine
help-devices-ports = Port range to probe (default: 11100-11120)
help-devices-host = Host to probe (loopback; default: 127.0.0.1)
help-devices-probe-timeout-ms = Deadline of each probe, in milliseconds
help-config-about = Create, show and fill in the config
help-config-init-about = Write the config file: asks on a terminal, or takes the values as flags
help-config-init-base-url = InstantPay API root (default: the live API)
help-config-init-client-id = The client id InstantPay issued (instantpay.client_id)
help-config-init-outlet-id = The shop's outlet id at InstantPay (instantpay.outlet_id)
help-config-init-endpoint-ip = The shop's public IP as whitelisted with InstantPay
help-config-init-latitude = Decimal degrees, 4 to 6 decimals, e.g. 19.0760
help-config-init-longitude = Decimal degrees, 4 to 6 decimals, e.g. 72.8777
help-config-init-rd-ports = RD Service ports to search, e.g. 11100-11120
help-config-init-min-qscore = Lowest capture quality (qScore) to send (capture.min_qscore)
help-config-init-min-nmpoints = Fewest minutiae (nmPoints) to send (capture.min_nmpoints)
help-config-init-no-input = Do not ask anything, even on a terminal
help-config-init-overwrite = Start from the defaults instead of the existing file
help-config-show-about = Print the config in force (file, then environment), secrets as set / not set
help-config-set-secret-about = Set a secret from standard input
help-config-set-secret-name = One of: instantpay.client_secret, instantpay.encryption_key, relay.token, operator.aadhaar
help-enroll-about = Join the platform's login relay with a one-time code (no InstantPay secret on this PC)
help-enroll-relay = The relay's URL, as the platform gave it (https; http only to this computer)
help-enroll-code = The one-time enrolment code from the platform
help-enroll-label = What the relay's device list calls this computer (default: its host name)
help-enroll-sandbox = Trying rd-agent against a sandbox relay ("rd-relay --sandbox"): store the test Aadhaar it offers as the operator's. Without it, the operator's own number is asked for

## The operator's page (crates/page): served on 127.0.0.1 by the tray; `rd-agent open` opens it.

tray-menu-open-page = Open rd-agent
page-title = rd-agent: the shop's daily login
page-heading = rd-agent: the shop's daily login
page-switch-language = Show this page in Hindi
page-footer = This page is shown by rd-agent on this PC only. Close it when you are done.
page-no-script = This page needs JavaScript to show today's login. Use the rd-agent tray menu instead.
# The answer to any request without a valid session: it says nothing about the day.
page-forbidden = Open this page from the rd-agent menu, or run "rd-agent open".
page-headline-down = The rd-agent service is not running
page-headline-checking = Checking today's login
page-headline-logging-in = Logging in
page-headline-settling = Waiting for the last login's result
page-headline-cancelled = The bank cancelled today's login
page-headline-login-required = Today's login is needed
page-headline-logged-in = Logged in for today
page-headline-device = The scanner needs attention
page-headline-api = The login cannot be done right now
page-headline-setup = rd-agent's settings need fixing
page-headline-declines = Logins are paused after declined fingers
page-headline-new-scanner = A different scanner is connected
page-detail-lost = Lost the connection to the rd-agent service. Trying again.
page-detail-cancelled = Today's login on this PC went through, but the bank has cancelled it. Only a new login, which is charged again, brings it back.
page-progress-finger = Place your finger on the scanner now: { $seconds } s
page-progress-sending = Finger scanned: logging in with InstantPay.
page-progress-starting = Logging in: when the scanner lights up, place your finger on it.
page-action-login = Log in now
page-action-new-scanner = Log in with this new scanner
page-action-despite-declines = Log in anyway
# $amount: "₹0.94"; $estimate: "yes" when it is the usual price, not what this PC last paid.
page-action-again = { $estimate ->
    [yes] Log in again (about { $amount } will be charged)
   *[no] Log in again ({ $amount } will be charged)
}
page-confirm-no = Cancel
page-confirm-again = { $estimate ->
    [yes] A new login is charged again: about { $amount } from your wallet. Log in again?
   *[no] A new login is charged again: { $amount } from your wallet. Log in again?
}
page-confirm-again-yes = Confirm: charge { $amount } and log in
page-confirm-despite-declines = The last { $declines } logins were declined. A third declined finger in a row can block your AePS at the bank. Clean the scanner and your finger, and use the finger enrolled with Aadhaar. Log in anyway?
page-confirm-despite-declines-yes = I accept the risk: log in
page-confirm-new-scanner = This scanner ({ $found }) is not the shop's usual one ({ $pinned }). If the shop did not change its scanner, someone else may have: then connect the usual one instead. Log in with this one only if the shop now uses it; it then becomes the usual scanner. Log in with it?
page-confirm-new-scanner-yes = Yes: the shop now uses this scanner

# The page's screens (crates/page): the menu.
page-nav-today = Today
page-nav-history = History
page-nav-checks = Scanner and checks
page-nav-setup = Setup
# Setup (crates/page/src/setup.rs). The fields' labels are the wizard's config-ask-*.
page-setup-heading = Set up rd-agent
page-setup-intro = Choose how this shop logs in. Each answer is checked as you type; a refused one says why.
page-setup-direct = With the shop's own InstantPay values
page-setup-fleet = With an enrolment code from your platform
page-setup-secrets-note = A secret you type goes only to the rd-agent service and is never shown again. Leave a secret empty to keep the one that is stored.
page-setup-now = Now: { $shown }
page-setup-save = Save the settings
page-setup-enrol = Enrol this PC
page-setup-working = Saving…
page-setup-saved = Saved. rd-agent now checks today's login.
page-setup-ready = Everything a login needs is set.
page-setup-missing = Still missing for a login:
# A missing value or secret on the Setup screen: typed in the form there, not set with a command
# (src/setup.rs, missing).
page-setup-not-set = Not set yet: { $name }. Type it in the form below.
page-setup-not-enrolled = This PC is not enrolled yet: enrol it below with the code from your platform.
page-secret-client-secret = the InstantPay client secret
page-secret-encryption-key = InstantPay's encryption key
page-secret-aadhaar = the operator's Aadhaar number
page-setup-fleet-now = This PC logs in through the login relay at { $url }.
setup-ask-relay-url = The login relay's address, as your platform gave it (e.g. https://relay.example.com)
setup-ask-code = The one-time enrolment code from your platform (e.g. K7QM-4XTP-9DHC)
page-setup-not-saved = Nothing was saved: { $reason }
page-setup-accepted = Accepted
# What a refused relay address or code is called in config-value-refused.
setup-field-relay-url = the login relay's address
setup-field-code = the enrolment code
# History (crates/page/src/history.rs).
page-history-heading = Logins of the last { $days } days
page-history-col-when = When
page-history-col-result = Result
page-history-col-cost = Cost
page-history-state-loggedin = Logged in
page-history-state-rejected = Refused
page-history-state-declined = Finger not matched
page-history-state-sending = Sent, result not known yet
page-history-state-unknown = Result not known
page-history-cost-amount = { $amount } charged
page-history-cost-charged = Charged, amount not given
page-history-cost-free = Not charged
page-history-cost-unknown = Not known
page-history-none = No login was tried in these days.
page-history-more = Older logins of these days are not shown.
page-history-month = This month: { $count ->
    [one] 1 charged login
   *[other] { $count } charged logins
}, { $amount } in all.
page-history-month-amount-unknown = { $count ->
    [one] 1 charged login gave no amount and is not in this total.
   *[other] { $count } charged logins gave no amount and are not in this total.
}
page-history-month-charge-unknown = { $count ->
    [one] For 1 login it is not known whether it was charged.
   *[other] For { $count } logins it is not known whether they were charged.
}
page-history-wallet = Wallet after the last charge: { $amount }
page-history-no-wallet = The wallet's balance is not known: InstantPay's replies on this PC did not give it.
page-history-fleet-wallet = The platform pays for the logins through the login relay: its wallet is not shown on this PC.
page-history-unavailable = The history cannot be shown now: { $reason }
agent-history-unreadable = The rd-agent service cannot read its ledger of logins now. Try again in a moment; if this stays, run "rd-agent doctor".
# Scanner and checks (crates/page/src/checks.rs).
page-checks-heading = Scanner and checks
page-checks-devices = Scanners found on this PC
page-check-ok = OK
page-check-problem = Needs attention
page-check-service = The rd-agent service
page-check-service-ok = It is running and answering.
page-check-settings = Settings
page-check-scanner = Scanner
page-check-scanner-ok = { $count ->
    [one] 1 RD Service is ready.
   *[other] { $count } RD Services are ready.
}
page-check-declines = Declined fingers
page-check-declines-ok = No declined finger in a row.
page-check-declines-count = { $count ->
    [one] The last login's finger was declined. Clean the scanner and the finger before the next one.
   *[other] The last { $count } logins' fingers were declined. A third in a row can block your AePS at the bank.
}
page-checks-copy = Copy for support
page-checks-copied = Copied. Paste it into your message to support.
page-checks-copy-failed = Could not copy: select the text below and copy it.
page-checks-copy-note = This text holds no secret: no client secret, no key, and only the last four digits of the Aadhaar.
# The text for support; its lines keep the settings' names as they are.
page-support-title = rd-agent report for support ({ $time })
page-support-version = rd-agent version { $version }
page-support-today = Today: { $state }
page-support-mode = Mode: { $mode }
page-support-setting = Setting { $key }: { $value }
page-support-secret = Secret { $key }: { $shown }
page-support-missing = Missing: { $problem }
page-support-scanner = Scanner: { $device }
page-support-ledger = This month: { $count ->
    [one] 1 charged login
   *[other] { $count } charged logins
}; declined fingers in a row: { $declines }

# `rd-agent open` (src/cli/open.rs).
cli-open-opened = Opened rd-agent's page in the browser.
cli-open-no-home = Could not find this user's folder where the page's address is kept.
cli-open-no-browser = Could not open the browser ({ $error }). Run "rd-agent open --print-url" and open the address it prints.
cli-open-not-started = The page could not be started with { $program }: { $error }. It is installed beside rd-agent; reinstall rd-agent to put it back.
