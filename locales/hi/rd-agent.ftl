# rd-agent: हर वह वाक्य जो कोई व्यक्ति पढ़ता है — हिंदी।
#
# नियम (../README.md देखें): ids और variables ठीक वही हैं जो en/rd-agent.ftl में हैं।
# भाषा: सीधी, आदर वाली (आप), छोटे वाक्य, रोज़ के शब्द। rd-agent, InstantPay, RD Service,
# UIDAI, AePS, IST जैसे नाम, backticks वाली कमांड और config keys अंग्रेज़ी में ही रहते हैं।
# जिस अंग्रेज़ी संदेश के अंत में full stop नहीं है, वह किसी दूसरे संदेश के अंदर जुड़ता है:
# उसके हिंदी रूप के अंत में भी "।" न लगाएँ।

## Common

# The prefix of every command failure on stderr (src/cli/mod.rs).
cli-error = गड़बड़ी: { $message }
cli-json-encode-failed = गड़बड़ी: नतीजे को JSON में नहीं बदला जा सका: { $error }
# stdout failed for another reason than its reader going away (src/console.rs).
cli-output-failed = कमांड पूरी हुई, पर उसका नतीजा लिखा नहीं जा सका: { $error }। देखें कि डिस्क में जगह है या जिस फ़ाइल में नतीजा भेजा गया उसमें लिखा जा सकता है, फिर नतीजा देखने के लिए कमांड फिर से चलाएँ।
# `rd-agent tray` starts the tray's own program beside it, which failed (src/cli/agent.rs).
cli-tray-not-started = ट्रे का प्रोग्राम { $program } शुरू नहीं हो सका: { $error }। वह rd-agent के साथ ही इंस्टॉल होता है; उसे वापस लाने के लिए rd-agent फिर से इंस्टॉल करें।
# Shown where a service or device gave no description text.
no-description = कोई विवरण नहीं
# Text from outside shown as it is (an OS error, a reply's words).
verbatim = { $text }

## Tray

tray-menu-login-now = अभी लॉगिन करें
tray-menu-status = स्टेटस
tray-menu-devices = डिवाइस
tray-menu-open-log-folder = लॉग फ़ोल्डर खोलें
tray-menu-quit = बंद करें
# The first entry while a scanner other than the shop's usual one waits to be accepted.
tray-menu-use-new-scanner = इस नए स्कैनर से लॉगिन करें
tray-menu-login-despite-declines = फिर भी लॉगिन करें (तीसरी बार उंगली मेल न खाई तो आपका AePS बंद हो सकता है)
# The first entry when the bank cancelled the day's login. $amount: "₹0.94"; $estimate: "yes" when
# it is the usual price, not what this PC last paid.
tray-menu-login-again = { $estimate ->
    [yes] दोबारा लॉगिन करें (लगभग { $amount } कटेंगे)
   *[no] दोबारा लॉगिन करें ({ $amount } कटेंगे)
}
# The same entry for 30 seconds after it was chosen: a second, deliberate click sends the login.
tray-menu-login-again-confirm = पक्का करें: { $amount } कटवाकर लॉगिन करें

# Tooltips: one short sentence each.
tray-tooltip-checking = आज का लॉगिन जाँचा जा रहा है।
tray-tooltip-logging-in = लॉगिन हो रहा है: स्कैनर की लाइट जलने पर उस पर उंगली रखें।
tray-tooltip-login-required = आज का लॉगिन बाकी है: क्लिक करें और उंगली स्कैन करें।
tray-tooltip-logged-in = लॉगिन हो गया है: यह रात 12 बजे तक चलेगा।
# $time: when the earlier attempt's settle window ends, "14:00".
tray-tooltip-settling = { $time } IST तक रुकें, फिर लॉगिन करें: पिछले प्रयास की जाँच चल रही है।
tray-tooltip-new-scanner = अपना हमेशा वाला स्कैनर लगाएँ, या मेन्यू से इसी नए स्कैनर से लॉगिन करें।
tray-tooltip-declines-held = स्कैनर और उंगली साफ़ करें: लगातार { $declines } लॉगिन में उंगली मेल नहीं खाई।
# While the scanner waits for the finger; $seconds counts down.
tray-tooltip-finger = अब स्कैनर पर उंगली रखें: { $seconds } सेकंड बाकी।
tray-tooltip-sending = उंगली स्कैन हो गई: InstantPay पर लॉगिन हो रहा है।
# After "Log in again" was chosen once.
tray-tooltip-confirm = दोबारा लॉगिन के लिए मेन्यू में "पक्का करें" चुनें: इस लॉगिन का पैसा कटेगा।
# A problem, in one short sentence: what to do first, then why (under 100 characters, as
# Windows cuts a tooltip at 127). The full sentence is in "Status".
tray-fix-scanner = फ़िंगरप्रिंट स्कैनर लगाएँ: वह कंप्यूटर से जुड़ा नहीं है।
tray-fix-scanner-not-ready = स्कैनर दोबारा लगाएँ, या उसे इस्तेमाल कर रहा प्रोग्राम बंद करें: वह तैयार नहीं है।
tray-fix-rd-service = RD Service चालू करें (या दोबारा शुरू करें): वह जवाब नहीं दे रही।
tray-fix-capture = उंगली फिर से रखें और लॉगिन करें: स्कैन नहीं हो पाया।
tray-fix-low-quality = स्कैनर और उंगली साफ़ करके फिर लॉगिन करें: निशान साफ़ नहीं आया।
tray-fix-key-expired = स्कैनर कंपनी से RD Service अपडेट करवाएँ: उसकी UIDAI कुंजी की मियाद ख़त्म हो गई है।
tray-fix-internet = इंटरनेट कनेक्शन जाँचें: InstantPay से संपर्क नहीं हो सका।
tray-fix-refused = InstantPay का कारण जानने के लिए स्टेटस खोलें: उसने अनुरोध नहीं माना।
tray-fix-setup = rd-agent की सेटिंग अपने एडमिन से ठीक करवाएँ: पूरी जानकारी स्टेटस में है।
tray-fix-aadhaar = ऑपरेटर का आधार अपने एडमिन से सेट करवाएँ: इस कंप्यूटर पर गलत आधार है।
tray-fix-enrol = प्लेटफ़ॉर्म से नया एनरोलमेंट कोड माँगें: इस कंप्यूटर की पहुँच बंद हो गई है।
tray-fix-wait = कुछ मिनट रुककर फिर लॉगिन करें: पिछला लॉगिन अभी पूरा नहीं हुआ है।
tray-fix-support = अपने प्लेटफ़ॉर्म के सपोर्ट को फ़ोन करें: आज बहुत से लॉगिन नाकाम रहे।
tray-fix-mismatch = आधार में दर्ज उंगली से फिर लॉगिन करें: उंगली का निशान मेल नहीं खाया।
tray-fix-cancelled = मेन्यू से दोबारा लॉगिन करें: बैंक ने आज का लॉगिन रद्द कर दिया है।
tray-fix-other = मेन्यू में स्टेटस खोलें: कुछ ठीक करना है।
# Tooltip, and the body of a notification, when the service cannot be reached.
tray-service-not-running = rd-agent सर्विस चालू करवाएँ: वह अभी नहीं चल रही है।

# Notification titles.
tray-notify-login-needed = आज का लॉगिन बाकी है
tray-notify-logged-in = लॉगिन हो गया
tray-notify-login-failed = लॉगिन नहीं हुआ
# A login whose outcome is not known: it may have been charged (never called failed).
tray-notify-login-unknown = लॉगिन का नतीजा पता नहीं: पैसा कट सकता है
tray-notify-status = rd-agent स्टेटस
tray-notify-devices = फ़िंगरप्रिंट डिवाइस

# Notification bodies.
tray-unexpected-reply = सर्विस ने ऐसा जवाब भेजा जो समझ में नहीं आया।
# One line per RD Service in the "Devices" notification. $status is READY, NOTREADY or USED.
tray-device-line = पोर्ट { $port }: { $status } { $info }
tray-no-rd-service = कोई RD Service नहीं मिली: स्कैनर लगाएँ और उसकी RD Service चालू करें।

# Errors of `rd-agent tray`.
tray-error-icon = ट्रे आइकन नहीं दिखाया जा सका ({ $error })। देखें कि सिस्टम ट्रे (StatusNotifier) वाला डेस्कटॉप सेशन चल रहा हो।
tray-error-runtime = ट्रे का बैकग्राउंड थ्रेड शुरू नहीं हो सका: { $error }

## Agent state

# One sentence per state, as `rd-agent status` and the tray show it.
state-checking = आज का लॉगिन जाँचा जा रहा है।
state-login-required = आज का लॉगिन बाकी है: उंगली स्कैन करें।
state-logging-in = लॉगिन हो रहा है: स्कैनर की लाइट जलने पर उस पर उंगली रखें।
# $until: the next midnight, "2026-11-23 00:00".
state-logged-in = लॉगिन हो गया है: यह रात 12 बजे तक चलेगा ({ $until } IST)।
# $time: when the earlier attempt's settle window ends, "14:00".
state-settling = पिछले लॉगिन की जाँच चल रही है: हो सकता है InstantPay अभी उसका चार्ज ले रहा हो। अगला लॉगिन { $time } IST के बाद किया जा सकता है।
# $found, $pinned: a scanner's provider, model and serial.
state-new-scanner = यह स्कैनर ({ $found }) दुकान का हमेशा वाला स्कैनर ({ $pinned }) नहीं है: इससे लॉगिन तभी करें जब दुकान अब यही स्कैनर इस्तेमाल करती हो, नहीं तो हमेशा वाला स्कैनर लगाएँ।
state-declines-held = पिछले { $declines } लॉगिन में उंगली मेल नहीं खाई। लगातार तीसरी बार ऐसा हुआ तो बैंक ऑपरेटर का AePS बंद कर सकता है: स्कैनर और उंगली साफ़ करें, वही उंगली लगाएँ जो आधार में दर्ज है, और यह जोखिम मंज़ूर हो तभी फिर से लॉगिन करें।

## Agent service

agent-login-in-progress = एक लॉगिन पहले से चल रहा है: स्कैनर की लाइट जलने पर उस पर उंगली रखें।
agent-reminder = rd-agent आइकन पर क्लिक करें (या "rd-agent login" चलाएँ) और उंगली स्कैन करें।
agent-permission-denied = अनुमति नहीं है: इस सर्विस को सिर्फ़ root, सर्विस यूज़र और rd-agent ग्रुप के सदस्य इस्तेमाल कर सकते हैं। एडमिनिस्ट्रेटर से कहें कि वे आपको rd-agent ग्रुप में जोड़ दें।
agent-login-not-allowed = सर्विस से लॉगिन सिर्फ़ एडमिनिस्ट्रेटर या rd-agent ग्रुप का सदस्य कर सकता है। अपने एडमिनिस्ट्रेटर से कहें कि आपका Windows अकाउंट rd-agent ग्रुप में जोड़ दें, फिर Windows से साइन आउट करके दोबारा साइन इन करें।
agent-busy = rd-agent सर्विस पर अभी बहुत सारे कनेक्शन हैं: थोड़ी देर बाद फिर कोशिश करें।
agent-request-too-long = रिक्वेस्ट बहुत लंबी है।
agent-request-not-understood = रिक्वेस्ट समझ में नहीं आई: हर लाइन में एक JSON ऑब्जेक्ट भेजें, जैसे { "{" }"v":2,"cmd":"status"{ "}" }।
agent-scanner-not-connected = स्कैनर जुड़ा नहीं है: फ़िंगरप्रिंट स्कैनर को USB पोर्ट में लगाएँ।
agent-status-check-failed = InstantPay से आज के लॉगिन के बारे में पूछा नहीं जा सका: { $error }
agent-already-logged-in = आज का लॉगिन पहले ही हो चुका है: कुछ नहीं भेजा गया, कोई चार्ज नहीं लगा।
agent-internal-error = rd-agent में अंदरूनी गड़बड़ी हुई; कुछ नहीं भेजा गया और कोई पैसा नहीं कटा। फिर से कोशिश करें; अगर यह फिर आए तो सपोर्ट को फ़ोन करें।
agent-logged-in = लॉगिन हो गया: यह रात 12 बजे तक चलेगा।
agent-log-dir-failed = लॉग फ़ोल्डर { $path } नहीं खुल सका: { $error }। इसका मालिक (owner) और अनुमतियाँ (permissions) जाँचें।
agent-start-failed = शुरू नहीं हो सका: { $error }
agent-service-manager-failed = Windows सर्विस मैनेजर ने सर्विस शुरू नहीं की: { $error }
lockdown-apply-failed = { $path } को सिर्फ़ SYSTEM और Administrators तक सीमित नहीं किया जा सका ({ $error })। जब तक इसके सीक्रेट दूसरे यूज़र खोल सकते हैं, सर्विस चालू नहीं होती।
lockdown-writable = { $path } को { $who } बदल सकते हैं, यानी कोई भी बदल सकता है कि सर्विस क्या करे। यह अनुमति हटाएँ (राइट-क्लिक, Properties, Security) या rd-agent दोबारा इंस्टॉल करें; तब तक सर्विस चालू नहीं होगी।

# Talking to the service (src/agent/ipc.rs).
ipc-not-running = rd-agent सर्विस नहीं चल रही है ({ $path } पर कोई सॉकेट नहीं है)। इसे "systemctl start rd-agent" से चालू करें या "rd-agent run" चलाएँ।
ipc-refused = rd-agent सर्विस ने यह कनेक्शन मना कर दिया: { $reason }
ipc-connection-lost = rd-agent सर्विस से कनेक्शन टूट गया ({ $error })। देखें कि सर्विस चल रही है।
cli-service-stopped = rd-agent सर्विस इंस्टॉल है पर चल नहीं रही, इसलिए कुछ नहीं बदला गया और लॉगिन नहीं किया गया। { $os ->
    [windows] इसे चालू करें: Services खोलें, rd-agent चुनें और Start दबाएँ (या कंप्यूटर रीस्टार्ट करें)।
   *[other] इसे चालू करें: sudo systemctl start rd-agent
}
agent-config-elsewhere = यह rd-agent सर्विस अपनी अलग सेटिंग नहीं रखती।
ipc-protocol = rd-agent सर्विस ने ऐसा जवाब भेजा जो यह प्रोग्राम नहीं समझता। देखें कि सर्विस और यह कमांड एक ही वर्ज़न के हों।
ipc-already-running = एक और rd-agent सर्विस पहले से { $path } पर चल रही है। पहले उसे बंद करें।
ipc-not-the-service = { $path } पर जवाब देने वाला प्रोग्राम (प्रोसेस { $pid }, { $image }) rd-agent सर्विस नहीं है, इसलिए उसे कुछ नहीं भेजा गया और कोई पैसा नहीं कटा। Services (services.msc) में rd-agent सर्विस को दोबारा चालू करें और फिर कोशिश करें; अगर यह फिर आए तो सपोर्ट को फ़ोन करें।
ipc-closed = सर्विस ने कनेक्शन बंद कर दिया
ipc-not-permitted-not-member = आपका अकाउंट अभी rd-agent सर्विस इस्तेमाल नहीं कर सकता: यह rd-agent ग्रुप में नहीं है ({ $path } पर अनुमति नहीं मिली)। एडमिनिस्ट्रेटर से "sudo usermod -aG rd-agent { $user }" चलाकर इसे जुड़वाएँ, फिर एक बार लॉग आउट करके दोबारा लॉग इन करें।
ipc-not-permitted-new-member = आपका अकाउंट लॉग इन करने के बाद rd-agent ग्रुप में जोड़ा गया, इसलिए यह सेशन अभी सर्विस इस्तेमाल नहीं कर सकता ({ $path } पर अनुमति नहीं मिली)। एक बार लॉग आउट करके दोबारा लॉग इन करें, या कंप्यूटर रीस्टार्ट करें।
ipc-not-permitted = { $path } पर अनुमति नहीं मिली: आपका अकाउंट rd-agent सर्विस इस्तेमाल नहीं कर सकता। एडमिनिस्ट्रेटर से इसे rd-agent ग्रुप में जुड़वाएँ, फिर एक बार लॉग आउट करके दोबारा लॉग इन करें।
ipc-client-older = यह प्रोग्राम rd-agent सर्विस से पुराना है (प्रोटोकॉल { $theirs }; सर्विस { $ours } बोलती है): यह rd-agent के अपडेट से पहले चालू हुआ था। इसे बंद करें और rd-agent फिर से खोलें।
ipc-client-newer = यह प्रोग्राम rd-agent सर्विस से नया है (प्रोटोकॉल { $theirs }; सर्विस { $ours } बोलती है): सर्विस अभी भी अपडेट से पहले वाला वर्ज़न चला रही है। rd-agent सर्विस को दोबारा चालू करें, या कंप्यूटर रीस्टार्ट करें।
ipc-service-older = rd-agent सर्विस इस प्रोग्राम से पुरानी है (प्रोटोकॉल { $theirs }; यह प्रोग्राम { $ours } बोलता है): वह अभी भी अपडेट से पहले वाला वर्ज़न चला रही है। rd-agent सर्विस को दोबारा चालू करें, या कंप्यूटर रीस्टार्ट करें।
ipc-service-newer = rd-agent सर्विस इस प्रोग्राम से नई है (प्रोटोकॉल { $theirs }; यह प्रोग्राम { $ours } बोलता है): यह प्रोग्राम rd-agent के अपडेट से पहले चालू हुआ था। इसे बंद करें और rd-agent फिर से खोलें।

## Login

# Progress lines (stderr, and the service log).
login-unresolved-attempts =
    { $count ->
        [one] पिछले { $count } प्रयास का नतीजा पता नहीं है: कुछ भी करने से पहले InstantPay से पूछा जा रहा है...
       *[other] पिछले { $count } प्रयासों का नतीजा पता नहीं है: कुछ भी करने से पहले InstantPay से पूछा जा रहा है...
    }
login-asking-status = InstantPay से आज के लॉगिन का स्टेटस पूछा जा रहा है...
# One chargeable login at a time (src/login/lock.rs). $holder: login-lock-holder or login-lock-holder-unknown.
login-lock-waiting = एक लॉगिन पहले से चल रहा है ({ $holder }): उसके पूरा होने का इंतज़ार हो रहा है, फिर उसी का नतीजा लिया जाएगा...
# Written by the process that holds the lock; $time: "08:20".
login-lock-holder = pid { $pid }, { $time } IST पर शुरू हुआ
login-lock-holder-unknown = rd-agent का कोई दूसरा प्रोसेस
# $resolution is the ledger's code: status_loggedin, status_loginrequired or stale.
login-attempt-settled =
    प्रयास { $attempt } का नतीजा तय हुआ: { $resolution ->
        [status_loggedin] InstantPay के हिसाब से लॉगिन है, यानी यह प्रयास सफल रहा
        [status_loginrequired] InstantPay के हिसाब से लॉगिन बाकी है, यानी इस प्रयास से लॉगिन नहीं हुआ
       *[stale] यह किसी पिछले दिन का है, इसका नतीजा अब पता नहीं चलेगा
    }
login-place-finger = स्कैनर पर उंगली रखें...
login-finger-countdown = स्कैनर पर उंगली रखें... { $seconds } सेकंड बाकी
login-new-device-question = यह स्कैनर ({ $found }) वह नहीं है जिससे यह दुकान पहले लॉगिन करती थी ({ $pinned })। क्या अब से यही इस्तेमाल करें? [हाँ/नहीं]
login-device-pinned = इस दुकान का स्कैनर याद रख लिया गया: { $device }।
answer-yes = हाँ
rd-several-ready = { $count } RD Service READY जवाब दे रही हैं (पोर्ट { $ports }): लॉगिन उसी से होगा जो पहले जवाब दे। जो इस्तेमाल नहीं करते उसे बंद करें, या rd.ports में अपने स्कैनर का पोर्ट लिखें।
login-using-rd-service = पोर्ट { $port } वाली RD Service इस्तेमाल हो रही है ({ $info })।
login-captured = फ़िंगरप्रिंट ले लिया गया (क्वालिटी { $qscore }, पॉइंट { $nmpoints })।
login-sending = आज का लॉगिन भेजा जा रहा है (प्रयास { $attempt })...
login-via-service = rd-agent सर्विस चल रही है: लॉगिन वही करेगी। स्कैनर की लाइट जलने पर उस पर उंगली रखें।

# Results (stdout). $until: "2026-11-23 00:00 IST".
login-already-logged-in = आज का लॉगिन पहले ही हो चुका है (InstantPay के हिसाब से LOGGEDIN), यह { $until } तक चलेगा। कुछ नहीं भेजा गया, कोई चार्ज नहीं लगा।
login-logged-in = लॉगिन हो गया: यह रात 12 बजे IST तक चलेगा ({ $until })।
# $line: the ledger line of the attempt.
login-ledger-line = लेजर: { $line }
login-settled-earlier = पिछले प्रयास का नतीजा तय हुआ: { $line }

# Why a login did not end logged in.
login-error-scan = { $reason }। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा
login-error-capture-failed = फ़िंगरप्रिंट नहीं लिया जा सका (RD एरर { $code }: { $info })
# $port: the RD Service's port; $who: the account running it, "alice (uid 1001)"; $shown: the same with its program where the OS shows it.
login-rd-untrusted = पोर्ट { $port } की RD Service को सिस्टम नहीं, यूज़र { $shown } चला रहा है: चार्ज वाले लॉगिन के लिए rd-agent इसका इस्तेमाल नहीं करेगा, क्योंकि किसी दूसरे यूज़र का प्रोग्राम नकली फ़िंगरप्रिंट दे सकता है। अगर यह सच में स्कैनर की RD Service है, तो config में rd.trusted_users में { $who } जोड़ें
# $why: why the owner could not be read (an OS error).
login-rd-owner-unknown = rd-agent यह पता नहीं कर पा रहा कि पोर्ट { $port } की RD Service कौन चला रहा है ({ $why }), इसलिए चार्ज वाले लॉगिन के लिए इसका इस्तेमाल नहीं करेगा
login-error-low-quality = फ़िंगरप्रिंट की क्वालिटी बहुत कम है (qScore { $qscore }, पॉइंट { $nmpoints }; कम से कम { $min_qscore } और { $min_nmpoints } चाहिए): उंगली साफ़ करें, स्कैनर पर सपाट रखें, और "rd-agent login" फिर से चलाएँ। कुछ नहीं भेजा गया, कोई चार्ज नहीं लगा
login-error-locally-logged-in = InstantPay कह रहा है कि लॉगिन बाकी है, पर rd-agent आज पहले ही लॉगिन कर चुका है (हो सकता है बैंक ने उसे रद्द कर दिया हो)। फिर से लॉगिन करने के लिए "rd-agent login --force" चलाएँ: इसका चार्ज लगेगा
login-error-status = InstantPay से लॉगिन का स्टेटस पूछा नहीं जा सका: { $error }
login-error-mismatch = फ़िंगरप्रिंट ऑपरेटर के रजिस्टर किए हुए आधार से मेल नहीं खाया (चार्ज लगा): रजिस्टर की हुई उंगली से "rd-agent login" फिर से चलाएँ। प्रयास { $attempt }
login-error-rejected = InstantPay ने लॉगिन मना कर दिया: { $reason }। प्रयास { $attempt }
# The $reason of login-error-rejected. $meaning is one of the ipay-status-* sentences.
login-rejected-reason = { $statuscode } ({ $meaning }): { $message }
login-error-unknown = प्रयास { $attempt } का नतीजा पता नहीं है ({ $reason }): हो सकता है इसका चार्ज लगा हो। इसे दोबारा नहीं भेजा गया है; थोड़ी देर बाद "rd-agent login" चलाएँ: वह पहले InstantPay से पूछेगा कि इस प्रयास से आपका लॉगिन हुआ या नहीं
login-error-settling = प्रयास { $attempt } का नतीजा अभी पता नहीं है: हो सकता है InstantPay अभी उसे प्रोसेस कर रहा हो, और अभी नया लॉगिन करने पर दो बार चार्ज लग सकता है। इस बार कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। { $seconds } सेकंड बाद "rd-agent login" फिर से चलाएँ
login-error-new-device = यह स्कैनर ({ $found }) वह नहीं है जिससे यह दुकान पहले लॉगिन करती थी ({ $pinned })। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। अगर दुकान अब यही स्कैनर इस्तेमाल करती है, तो "rd-agent login --accept-new-device" चलाएँ (या टर्मिनल पर पूछे जाने पर हाँ कहें); नहीं तो दुकान का अपना स्कैनर लगाएँ
login-error-lock = लॉगिन लॉक { $path } नहीं लिया जा सका: { $error }। स्टेट फ़ोल्डर की अनुमतियाँ जाँचें
login-error-wrong-operator = यह PC उस आधार के लिए सेट है जिसके आख़िरी अंक { $configured } हैं, पर InstantPay आउटलेट { $outlet } के ऑपरेटर का आधार चाहता है, जिसके आख़िरी अंक { $expected } हैं। ऑपरेटर का आधार सेट करें: "rd-agent config set-secret operator.aadhaar"। न उंगली ली गई, न कुछ भेजा गया, और कोई पैसा नहीं कटा
login-error-decline-guard = पिछले { $declines } लॉगिन में उंगली मेल नहीं खाई (या कोई जवाब नहीं आया)। लगातार तीसरी बार ऐसा हुआ तो बैंक ऑपरेटर का AePS बंद कर सकता है। स्कैनर और उंगली साफ़ करें, वही उंगली लगाएँ जो आधार में दर्ज है, फिर "rd-agent login --despite-declines" चलाएँ और हाँ कहें। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा
login-error-key-expired = RD Service ने उंगली का डेटा UIDAI की ऐसी कुंजी से एन्क्रिप्ट किया जिसकी मियाद { $expired } को ख़त्म हो गई: UIDAI इसे नहीं मानेगा, फिर भी पैसा कट जाएगा। स्कैनर कंपनी से RD Service अपडेट करवाएँ (उनकी वेबसाइट या हेल्पलाइन), फिर लॉगिन करें। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा
login-despite-declines-question = पिछले लॉगिन में उंगली मेल नहीं खाई। लगातार तीसरी बार ऐसा हुआ तो बैंक कुछ समय के लिए आपका AePS बंद कर सकता है। क्या आपने स्कैनर और उंगली साफ़ कर ली है, और वही उंगली लगाएँगे जो आधार में दर्ज है? फिर भी लॉगिन करें? [हाँ/नहीं]
login-despite-declines-needs-terminal = "--despite-declines" के लिए टर्मिनल पर किसी व्यक्ति का हाँ कहना ज़रूरी है: इसे टर्मिनल विंडो में चलाएँ, या ट्रे में "फिर भी लॉगिन करें" चुनें।
login-despite-declines-declined = लॉगिन नहीं हुआ: कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा।
login-error-not-sent = लॉगिन नहीं भेजा गया (कोई चार्ज नहीं लगा): { $error }
login-error-aadhaar = { $error } इसे "rd-agent config set-secret" से ठीक करें
login-service-did-not-finish = rd-agent सर्विस लॉगिन पूरा नहीं कर पाई: { $error }

## Status

# $until: "2026-11-23 00:00 IST".
status-logged-in = रात 12 बजे IST तक लॉगिन है ({ $until })
status-login-required = लॉगिन बाकी है: "rd-agent login" चलाएँ
status-unknown = पता नहीं: एक प्रयास का नतीजा पता नहीं है; "rd-agent login" चलाएँ (वह पहले InstantPay से पूछता है और अपने-आप कभी दोबारा नहीं भेजता)
# $date: today's date in IST, "2026-11-22"; $state: one of the three above.
status-today = आज ({ $date } IST): { $state }
status-last-attempt = पिछला प्रयास: { $line }
status-last-attempt-none = पिछला प्रयास: कोई नहीं
status-charged = चार्ज लगे प्रयास: आज { $today }, इस महीने { $month }
# Appended to status-charged when some charges are unknown.
status-charge-unknown = (इनके अलावा आज { $today }, इस महीने { $month } ऐसे प्रयास जिनके चार्ज का पता नहीं)
# $today, $month: rupee amounts, already written as ₹ with two decimals.
status-paid = भुगतान: आज { $today }, इस महीने { $month }
status-paid-not-reported = भुगतान: चार्ज लगा है, पर रकम नहीं बताई गई
# Appended to status-paid; $today, $month: counts of charged attempts.
status-paid-plus-unknown = (इनके अलावा आज { $today } और इस महीने { $month } चार्ज ऐसे हैं जिनकी रकम नहीं बताई गई)
# $amount: ₹ with two decimals.
status-wallet-balance = आखिरी चार्ज के बाद वॉलेट में बाकी: { $amount }
status-declines = लगातार उंगली मेल न खाने वाले लॉगिन: { $declines } ({ $limit } होने पर लॉगिन ऑपरेटर की मंज़ूरी का इंतज़ार करता है)
status-key-ok = पिछली बार ली गई उंगली की UIDAI कुंजी: { $date } तक मान्य
status-key-expires-soon = पिछली बार ली गई उंगली की UIDAI कुंजी: { $date } को, यानी { $days } दिन में, ख़त्म होगी। उससे पहले स्कैनर कंपनी से RD Service अपडेट करवाएँ
status-key-expired = पिछली बार ली गई उंगली की UIDAI कुंजी: { $date } को ख़त्म हो चुकी है। अगले लॉगिन से पहले स्कैनर कंपनी से RD Service अपडेट करवाएँ
status-key-unreadable = पिछली बार ली गई उंगली की UIDAI कुंजी: "{ $ci }" कोई तारीख़ नहीं है
status-service-sentence = सर्विस: { $sentence }
status-service-no-answer = rd-agent सर्विस ने जवाब नहीं दिया: { $error }
status-service-unexpected = rd-agent सर्विस ने स्टेटस का अनजाना जवाब दिया: दोनों को एक ही वर्ज़न पर अपडेट करें

## Ledger

# The last column of a ledger line.
ledger-charged = चार्ज लगा
ledger-not-charged = चार्ज नहीं लगा
ledger-charge-unknown = चार्ज का पता नहीं
ledger-resolved = (नतीजा: { $resolution })
# One attempt of the ledger, as `status` and `login` show it. $time: "2026-11-22 08:20:05 IST";
# $attempt: its externalRef; $state: ledger-state; $codes: statuscode/actcode, "TXN/LOGGEDIN" or
# "-/-"; $device, $serial, $qscore: the scanner's model, serial and the capture's qScore;
# $charged: ledger-charged, ledger-charged-amount, ledger-not-charged or ledger-charge-unknown.
ledger-line = { $time }  { $attempt }  { $state }  { $codes }  स्कैनर { $device } { $serial }  qScore { $qscore }  { $charged }
# The same line and how its unknown outcome was settled; $resolved: ledger-resolved.
ledger-line-resolved = { $line }  { $resolved }
# $amount: ₹ with two decimals.
ledger-charged-amount = चार्ज लगा { $amount }
# An attempt's state: the English is the ledger's own code, as support reads it.
ledger-state =
    { $state ->
        [sending] भेजा जा रहा था
        [loggedin] लॉगिन हुआ
        [rejected] मना हुआ
        [unknown] नतीजा पता नहीं
        [shared] दूसरे प्रयास से लॉगिन
        [not_sent] भेजा नहीं गया
       *[not_logged_in] लॉगिन नहीं हुआ
    }
# How an unknown outcome was settled: the English is the ledger's own code.
ledger-resolution =
    { $resolution ->
        [status_loggedin] InstantPay के हिसाब से लॉगिन हुआ
        [status_loginrequired] InstantPay के हिसाब से लॉगिन नहीं हुआ
       *[stale] पुराने दिन का, नतीजा पता नहीं
    }
ledger-error-open = लेजर { $path } नहीं खुल सका: { $reason }। स्टेट फ़ोल्डर की अनुमतियाँ जाँचें (--state-dir)
ledger-error-too-new = लेजर { $path } rd-agent के नए वर्ज़न ने लिखा है (स्कीमा { $found }, यह वर्ज़न { $known } तक जानता है): rd-agent अपडेट करें
ledger-error-sqlite = लेजर पढ़ा या लिखा नहीं जा सका: { $error }। डिस्क और स्टेट फ़ोल्डर जाँचें
ledger-error-no-such-attempt = लेजर में externalRef { $attempt } वाला कोई प्रयास नहीं है
ledger-error-bad-row = लेजर में प्रयास { $attempt } का { $column } पढ़ा नहीं जा सका ("{ $value }"): इस फ़ाइल को rd-agent के अलावा किसी और ने बदला है; इसे सपोर्ट के लिए संभालकर रखें और इसमें कोई बदलाव न करें
ledger-error-open-attempt = आज के प्रयास { $attempt } का नतीजा अभी पता नहीं है, इसलिए नया प्रयास नहीं भेजा गया: कुछ मिनट बाद "rd-agent login" फिर से चलाएँ

## Doctor

# The verdict tags, four characters wide in the English output.
doctor-tag-ok = ठीक
doctor-tag-warn = ध्यान दें
doctor-tag-fail = गड़बड़
doctor-tag-skip = छोड़ा
# $check: the check's name (config, secrets, scanner_usb, rd_service, device_certificate, api, clock, service).
doctor-needs-attention = doctor: { $check } पर ध्यान देना ज़रूरी है

doctor-config-ok = कॉन्फ़िग फ़ाइल { $path } पूरी है।
doctor-service-config-ok = सर्विस की सेटिंग ({ $path }) पूरी है।
doctor-service-config-incomplete = सर्विस अभी लॉगिन नहीं कर सकती: { $count } सेटिंग भरनी बाकी है। पहली: { $problem }
doctor-secrets-ok = क्लाइंट सीक्रेट, एन्क्रिप्शन कुंजी और ऑपरेटर का आधार, तीनों सेट हैं।
# $names: the secrets' config keys, comma-separated.
doctor-secrets-missing = सेट नहीं हैं: { $names }। हर एक को "rd-agent config set-secret NAME" से सेट करें (वैल्यू स्टैंडर्ड इनपुट, यानी stdin, से पढ़ी जाती है)।
# $names: scanner models, comma-separated.
doctor-usb-ok = USB पर: { $names }।
doctor-usb-none = USB पर कोई सपोर्टेड फ़िंगरप्रिंट स्कैनर नहीं मिला: स्कैनर लगाएँ (दूसरा पोर्ट या दूसरी केबल आज़माएँ)।
doctor-usb-unreadable = यह यूज़र यहाँ USB नहीं पढ़ सकता; अगर नीचे RD Service वाली जाँच ठीक है, तो इससे कोई फ़र्क नहीं पड़ता।
# $url: "http://127.0.0.1:11100".
doctor-rd-ready = RD Service { $url } पर READY है ({ $info })।
doctor-needs-ready-rd = इसके लिए READY RD Service चाहिए।
# $date: "2026-11-22" (IST).
doctor-cert-expired = डिवाइस सर्टिफ़िकेट { $date } को ख़त्म हो गया: स्कैनर की कंपनी से RD Service रिन्यू करवाएँ।
doctor-cert-expires-soon =
    डिवाइस सर्टिफ़िकेट { $date } को, यानी { $days ->
        [one] { $days } दिन
       *[other] { $days } दिन
    } में ख़त्म हो जाएगा: स्कैनर की कंपनी से RD Service अभी रिन्यू करवाएँ।
doctor-cert-valid =
    डिवाइस सर्टिफ़िकेट { $date } तक मान्य है ({ $days ->
        [one] { $days } दिन
       *[other] { $days } दिन
    })।
doctor-cert-unreadable = डिवाइस सर्टिफ़िकेट पढ़ा नहीं जा सका ({ $error }): स्कैनर की कंपनी से पूछें कि RD Service रजिस्टर है या नहीं।
# $environment: the environment name InstantPay reports in its reply; $today: logged_in or login_required.
doctor-api-ok =
    InstantPay ({ $environment }) क्रेडेंशियल मान रहा है; आज: { $today ->
        [logged_in] लॉगिन है
       *[login_required] लॉगिन बाकी है
    }।
doctor-needs-api-answer = इसके लिए InstantPay का जवाब चाहिए।
doctor-needs-config = इसके लिए पूरा कॉन्फ़िग और सीक्रेट चाहिए (ऊपर देखें)।
# Two sentences of one check, one after the other.
doctor-two-sentences = { $first } { $second }
# $timestamp: the text InstantPay sent.
doctor-clock-unreadable = InstantPay का समय "{ $timestamp }" पढ़ा नहीं जा सका, इसलिए घड़ी की तुलना नहीं हुई।
# $seconds: the difference, always positive; $direction: ahead or behind.
doctor-clock-ok =
    कंप्यूटर की घड़ी InstantPay की घड़ी से { $seconds } सेकंड { $direction ->
        [ahead] आगे
       *[behind] पीछे
    } है।
doctor-clock-warn =
    कंप्यूटर की घड़ी InstantPay की घड़ी से { $seconds } सेकंड { $direction ->
        [ahead] आगे
       *[behind] पीछे
    } है: समय अपने-आप मिलाने वाली सेटिंग (NTP) चालू करें।
doctor-clock-fail =
    कंप्यूटर की घड़ी InstantPay की घड़ी से { $seconds } सेकंड { $direction ->
        [ahead] आगे
       *[behind] पीछे
    } है: कंप्यूटर की घड़ी ठीक करें (समय अपने-आप मिलाने वाली सेटिंग चालू करें); घड़ी 10 मिनट आगे-पीछे हो तो RD Service फ़िंगरप्रिंट नहीं लेती।
doctor-service-ok = rd-agent सर्विस चल रही है: { $sentence }
doctor-service-odd = rd-agent सर्विस ने अजीब जवाब दिया: इसे रीस्टार्ट करें।
doctor-service-down = rd-agent सर्विस नहीं चल रही है: रिमाइंडर और ट्रे के लिए यह ज़रूरी है ("rd-agent service install")।
# $attempt: the attempt's reference; $explained: what UIDAI's code means (uidai-*), then the reply.
doctor-last-login-uidai = प्रयास { $attempt }: { $explained }
doctor-last-login-ok = पिछले लॉगिन प्रयास ({ $attempt }) में UIDAI की कोई गड़बड़ी नहीं बताई गई।
doctor-operator-ok = इस PC पर सेट आधार (आख़िरी अंक { $configured }) वही ऑपरेटर है जो InstantPay चाहता है।
doctor-operator-mismatch = यह PC उस आधार के लिए सेट है जिसके आख़िरी अंक { $configured } हैं, पर InstantPay आउटलेट { $outlet } के ऑपरेटर का आधार चाहता है, जिसके आख़िरी अंक { $expected } हैं। ऑपरेटर का आधार सेट करें: "rd-agent config set-secret operator.aadhaar"।
doctor-operator-unknown = InstantPay के जवाब में तुलना के लिए कोई ऑपरेटर नहीं बताया गया।

## Devices

devices-port-failure = पोर्ट { $port }: { $error }
# $scanner: the scanner model found on USB.
devices-usb-no-service = { $scanner } लगा हुआ है: पर RD Service नहीं चल रही है, या इन पोर्ट पर नहीं है।
devices-no-scanner = कोई जाना-पहचाना स्कैनर नहीं लगा है: स्कैनर लगाएँ।
devices-device = { $dp_id } { $mi } (rds { $rds_id } { $rds_ver }), सीरियल { $serial }
devices-device-info-error = डिवाइस की जानकारी: { $error }
# $date: RFC 3339 date and time.
devices-cert-expires =
    डिवाइस सर्टिफ़िकेट { $date } को ख़त्म होगा ({ $days ->
        [one] { $days } दिन बाकी
       *[other] { $days } दिन बाकी
    })
devices-cert-error = डिवाइस सर्टिफ़िकेट: { $error }
# $vendor_id, $product_id: four hex digits each.
devices-usb = USB { $vendor_id }:{ $product_id } { $name } (बस { $bus }, एड्रेस { $address })
devices-note = ध्यान दें: { $error }
# $owner: the account running the RD Service, "root (uid 0), pid 812, /opt/mantra/rdservice".
devices-trusted = { $owner } इसे चला रहा है: लॉगिन में इसी का इस्तेमाल होगा
# $why: login-rd-untrusted or login-rd-owner-unknown.
devices-not-trusted = { $owner } इसे चला रहा है: लॉगिन में इसका इस्तेमाल नहीं होगा। { $why }
devices-warning = चेतावनी: { $warning }

## Capture

# $url: "http://127.0.0.1:11100".
capture-captured-on = { $url } पर फ़िंगरप्रिंट लिया गया ({ $info })
capture-device = डिवाइस { $dp_id } { $mi } सीरियल { $serial }  rds { $rds_id } { $rds_ver }
capture-quality = क्वालिटी qScore { $qscore }  nmPoints { $nmpoints }  fType { $ftype }  fCount { $fcount }
capture-crypto = क्रिप्टो: sessionKey { $skey_chars } अक्षर, hmac { $hmac_chars } अक्षर, pidData { $data_chars } अक्षर (टाइप { $data_type })
capture-cert-expires = डिवाइस सर्टिफ़िकेट { $date } को ख़त्म होगा

## Config

# `rd-agent config init`, `show` and `set-secret` (src/cli/config.rs).
config-setting-up = { $path } सेट की जा रही है (Enter दबाने पर ब्रैकेट वाली वैल्यू ही रहेगी)।
config-setting-up-service = rd-agent सर्विस सेट की जा रही है: इसकी सेटिंग { $path } में रहती है (Enter दबाने पर ब्रैकेट वाली वैल्यू ही रहेगी)।
config-change-needs-administrator = सर्विस सेट हो जाने के बाद { $key } सिर्फ़ एडमिनिस्ट्रेटर बदल सकता है, क्योंकि इसी से तय होता है कि दुकान के सीक्रेट कहाँ भेजे जाएँ। कुछ नहीं बदला गया। अपने एडमिनिस्ट्रेटर से यह कमांड चलवाएँ (Linux पर sudo के साथ)।
# Prompts: the answer is typed after them on the same line. $question: one of config-ask-*.
config-prompt-value = { $question } [{ $current }]:{ " " }
config-prompt-secret-keep = { $question } [{ $shown }] (टाइप किया हुआ दिखेगा नहीं; पुराना रखने के लिए Enter):{ " " }
config-prompt-secret = { $key } (छिपा रहेगा):{ " " }
# The wizard's questions, each with an example (src/cli/wizard.rs).
config-ask-base-url = InstantPay का वेब पता (जब तक आपका प्लेटफ़ॉर्म कोई दूसरा न बताए, यही रहने दें, जैसे https://api.instantpay.in)
config-ask-client-id = आपके प्लेटफ़ॉर्म की InstantPay क्लाइंट आईडी (जैसी प्लेटफ़ॉर्म ने दी है)
config-ask-outlet-id = आपकी InstantPay आउटलेट आईडी (सिर्फ़ अंक, जैसे 123456)
config-ask-endpoint-ip = दुकान के इंटरनेट का पब्लिक IP पता, जिसे InstantPay ने मंज़ूरी दी है (जैसे 203.0.113.9)
config-ask-latitude = दुकान का अक्षांश (Google Maps में दिखता है, जैसे 28.6139)
config-ask-longitude = दुकान का देशांतर (Google Maps में दिखता है, जैसे 77.2090)
config-ask-rd-ports = वे पोर्ट जिन पर स्कैनर की RD सर्विस जवाब देती है (जब तक कोई और न बताए, यही रहने दें, जैसे 11100-11120)
config-ask-min-qscore = भेजने के लिए फ़िंगरप्रिंट की कम से कम क्वालिटी, 0 से 100 (जैसे 40)
config-ask-min-nmpoints = भेजने के लिए फ़िंगरप्रिंट के कम से कम पॉइंट (जैसे 20)
config-ask-client-secret = आपके प्लेटफ़ॉर्म का InstantPay क्लाइंट सीक्रेट (जहाँ से क्लाइंट आईडी मिली, वहीं से; न हो तो अपने प्लेटफ़ॉर्म से माँगें)
config-ask-encryption-key = InstantPay की "Encryption Key" (32 अक्षर, क्लाइंट सीक्रेट वाली जगह से ही)
config-ask-aadhaar = ऑपरेटर का आधार नंबर (आधार कार्ड पर लिखे 12 अंक)
config-ask-relay-token = इस कंप्यूटर का रिले टोकन (rd-agent enroll इसे सेट करता है; अपने प्लेटफ़ॉर्म के सपोर्ट से पूछें)
# What a refused answer is called in config-value-refused and config-flag-refused; a $reason follows it.
config-field-base-url = InstantPay के वेब पते
config-field-client-id = क्लाइंट आईडी
config-field-outlet-id = आउटलेट आईडी
config-field-endpoint-ip = दुकान के IP पते
config-field-latitude = अक्षांश (latitude)
config-field-longitude = देशांतर (longitude)
config-field-rd-ports = RD सर्विस के पोर्ट
config-field-min-qscore = कम से कम क्वालिटी
config-field-min-nmpoints = कम से कम पॉइंट
# $field: a config-field-*; $reason: a config-reason-*.
config-value-refused = यह नहीं चलेगा: { $field } { $reason }। कृपया फिर से लिखें।
config-flag-refused = --{ $flag } की वैल्यू नहीं मानी गई: { $field } { $reason }।
# $reason: why the secret store refused it (a secrets-error-* sentence).
config-secret-refused = यह नहीं चलेगा: { $reason }। कृपया फिर से लिखें।
config-cannot-read-terminal = टर्मिनल से पढ़ा नहीं जा सका: { $error }
config-cannot-read-stdin = स्टैंडर्ड इनपुट से पढ़ा नहीं जा सका: { $error }
config-wrote = { $path } सेव हो गई
config-ready = "rd-agent login" के लिए सब तैयार है।
config-not-ready = असली लॉगिन के लिए अभी सब तैयार नहीं है:
config-secret-not-set = "{ $key }" सेट नहीं है: "rd-agent config set-secret { $key }" चलाएँ
# `config show`; the code puts "# " in front of each line.
config-show-file = कॉन्फ़िग फ़ाइल: { $path }
config-show-file-missing = कॉन्फ़िग फ़ाइल: { $path } (नहीं मिली: डिफ़ॉल्ट वैल्यू लागू हैं)
config-show-state-dir = स्टेट फ़ोल्डर: { $path }
config-show-via-service = rd-agent सर्विस की सेटिंग (सर्विस से पढ़ी गई)
config-show-defaults-file = डिफ़ॉल्ट:     { $path } (एडमिनिस्ट्रेटर की; कॉन्फ़िग फ़ाइल की वैल्यू ऊपर मानी जाती है)
config-show-secrets = सीक्रेट ({ $path }):
# How a secret is shown (the Aadhaar is shown masked instead of "set").
secret-shown-set = सेट है
secret-shown-not-set = सेट नहीं है
secret-shown-aadhaar-invalid = { $masked } (चेक अंक मेल नहीं खाता: फिर से सेट करें)
config-secret-too-long = { $key } बहुत लंबा है: सिर्फ़ वैल्यू टाइप करें
config-secret-not-text = { $key } टेक्स्ट होना चाहिए
# After set-secret: "instantpay.client_secret set in /path/secrets.toml".
config-secret-saved = { $key }: { $shown } ({ $path } में)
# The header `config init` writes at the top of the config file; the code puts "# " in front.
config-file-header-overrides = rd-agent कॉन्फ़िग। हर key को RD_AGENT_<SECTION>__<KEY> से बदला जा सकता है।
config-file-header-secrets = सीक्रेट यहाँ नहीं रखे जाते: "rd-agent config set-secret NAME" इस्तेमाल करें।
# The header of the secrets file; the code puts "# " in front.
secrets-file-header = rd-agent सीक्रेट: यह फ़ाइल निजी रखें (mode 0600)। बदलने के लिए "rd-agent config set-secret" इस्तेमाल करें।

# Config errors (src/config/mod.rs).
config-error-read = कॉन्फ़िग फ़ाइल { $path } पढ़ी नहीं जा सकी: { $reason }। पाथ जाँचें, या "rd-agent config init" चलाएँ
config-error-too-large = कॉन्फ़िग फ़ाइल { $path } { $limit } बाइट से बड़ी है: क्या यह सही फ़ाइल है?
config-error-syntax = कॉन्फ़िग फ़ाइल { $path } सही TOML नहीं है: { $reason }। फ़ाइल ठीक करें, या "rd-agent config init --overwrite" से इसे फिर से बनाएँ
# $source: the file's path, config-source-env, or config-source-checked.
config-error-unknown-key = { $source }: अनजानी key "{ $key }"। इसे हटाएँ, या "rd-agent config show" से इसकी स्पेलिंग मिलाएँ
config-error-invalid = { $source }: "{ $key }" { $reason }
config-error-missing = "{ $key }" सेट नहीं है। { $hint }
config-error-write = कॉन्फ़िग फ़ाइल { $path } लिखी नहीं जा सकी: { $reason }
# $what: config (the config file) or state (the state directory).
config-error-dir-writable = { $path } को दूसरे यूज़र भी बदल सकते हैं (मोड { $mode }), और वे rd-agent की फ़ाइलें बदल सकते हैं: "chmod go-w { $path }" चलाएँ (या कोई दूसरा फ़ोल्डर चुनें)
config-error-dir-owner = { $path } किसी दूसरे यूज़र का है (uid { $uid }), जो rd-agent की फ़ाइलें बदल सकता है: "sudo chown $(id -u) { $path }" चलाएँ, या अपना कोई फ़ोल्डर चुनें
config-error-no-location =
    { $what ->
        [config] कॉन्फ़िग फ़ाइल
       *[state] स्टेट फ़ोल्डर
    } के लिए होम या सिस्टम फ़ोल्डर नहीं मिला: --config FILE और --state-dir DIR दें (या RD_AGENT_CONFIG और RD_AGENT_STATE_DIR सेट करें)
# The hint of config-error-missing. $env_var: "RD_AGENT_INSTANTPAY__CLIENT_ID".
config-missing-hint = "rd-agent config init" चलाएँ, या इसे कॉन्फ़िग फ़ाइल में या { $env_var } से सेट करें
config-source-env = एनवायरनमेंट वेरिएबल { $name }
config-source-checked = कॉन्फ़िग
# The $key of config-error-invalid when the whole file is at fault.
config-key-file = (फ़ाइल)
# Reasons: they follow the key, as in "`rd.host` must not be empty; use 127.0.0.1".
config-reason-blank = की वैल्यू खाली नहीं हो सकती
config-reason-outlet-id = की वैल्यू में सिर्फ़ अंक होने चाहिए, जैसे 123456; "{ $value }" नहीं चलेगा
config-reason-endpoint-ip = की वैल्यू IP पता होनी चाहिए, जैसे 203.0.113.9; "{ $value }" नहीं चलेगा
config-reason-url = की वैल्यू https:// से शुरू होने वाला वेब पता होनी चाहिए, जैसे { $example }; "{ $value }" नहीं चलेगा
config-reason-coordinate-format = की वैल्यू डिग्री में, दशमलव के बाद 3 से 6 अंकों के साथ होनी चाहिए, जैसे { $example }; "{ $value }" नहीं चलेगा
config-reason-coordinate-range = की वैल्यू भारत के अंदर की होनी चाहिए, { $min } से { $max } के बीच; { $value } नहीं चलेगा
config-reason-port-range = की वैल्यू एक पोर्ट या LOW-HIGH रेंज होनी चाहिए, जैसे 11100-11120; "{ $value }" नहीं चलेगा
config-reason-secret = गुप्त वैल्यू है: इसे "rd-agent config set-secret" से सेट करें
config-reason-read-timeout = की वैल्यू कम से कम 1 (सेकंड) होनी चाहिए; 30 ठीक रहेगा
# $floor: twice instantpay.read_timeout_secs plus 60.
config-reason-settle-window = की वैल्यू कम से कम { $floor } होनी चाहिए (instantpay.read_timeout_secs का दोगुना, उसमें 60 जोड़कर): इससे कम रखने पर एक ही लॉगिन का दो बार चार्ज लग सकता है
config-reason-host-empty = की वैल्यू खाली नहीं हो सकती; 127.0.0.1 लिखें
config-reason-not-utf8 = यह UTF-8 टेक्स्ट नहीं है
config-reason-not-section = एक सेक्शन "[{ $section }]" होना चाहिए, अकेली वैल्यू नहीं
# $expected: one of the config-kind-* texts; $found: the TOML type name (string, integer, ...).
config-reason-wrong-type = की वैल्यू { $expected } होनी चाहिए, { $found } नहीं
config-reason-must-be = की वैल्यू { $expected } होनी चाहिए
config-kind-string = कोटेशन में लिखा टेक्स्ट, जैसे "value"
config-kind-integer = 0 या उससे बड़ी पूरी संख्या
config-kind-boolean = true या false
config-kind-float = कोई संख्या, जैसे 1.5
config-kind-other = किसी और तरह की वैल्यू
# Values that must have a shape (crates/rd/src/ports.rs, crates/clock/src/lib.rs).
config-port-range-invalid = "{ $value }" पोर्ट रेंज नहीं है; एक पोर्ट या LOW-HIGH लिखें, जैसे 11100-11120
config-time-of-day-invalid = की वैल्यू IST में HH:MM समय होनी चाहिए, जैसे "08:00" (लिखा है: "{ $value }")
# More reasons after a key (src/config/keys.rs, src/config/model.rs, src/config/load.rs).
config-reason-secret = एक सीक्रेट है: इसे `rd-agent config set-secret` से सेट करें
config-reason-mode = की वैल्यू direct (InstantPay की चाबियाँ इसी कंप्यूटर में हैं) या relay (प्लेटफ़ॉर्म का लॉगिन रिले उन्हें रखता है) होनी चाहिए, "{ $value }" नहीं
config-reason-language = की वैल्यू en (अंग्रेज़ी), hi (हिंदी) या auto (कंप्यूटर की भाषा) होनी चाहिए, "{ $value }" नहीं
config-reason-host-not-loopback = की वैल्यू 127.0.0.1 जैसा इसी कंप्यूटर का पता होनी चाहिए, "{ $value }" नहीं: RD Service इसी कंप्यूटर पर चलती है, और कहीं और चल रही सर्विस नकली कैप्चर भेज सकती है
# $example: "https://api.instantpay.in".
config-reason-not-url = "{ $value }" सही URL नहीं है (जैसे { $example })
config-reason-not-https = "{ $value }" में https होना चाहिए (सादा http सिर्फ़ इसी कंप्यूटर पर चल रहे टेस्ट सर्वर के लिए)

# Secrets errors (src/config/secrets.rs).
secrets-error-unknown-name = अनजाना सीक्रेट "{ $name }": सीक्रेट ये हैं: instantpay.client_secret, instantpay.encryption_key, operator.aadhaar और relay.token
secrets-error-read = सीक्रेट फ़ाइल { $path } पढ़ी नहीं जा सकी: { $reason }
secrets-error-permissions = सीक्रेट फ़ाइल { $path } दूसरे यूज़र भी पढ़ सकते हैं: "chmod 600 { $path }" चलाएँ
secrets-error-damaged = सीक्रेट फ़ाइल { $path } ख़राब है ({ $reason }): "rd-agent config set-secret NAME" से सीक्रेट फिर से सेट करें
secrets-error-write = सीक्रेट फ़ाइल { $path } लिखी नहीं जा सकी: { $reason }
secrets-error-missing = "{ $key }" सेट नहीं है: "rd-agent config set-secret { $key }" चलाएँ और इसे टाइप करें (यह स्टैंडर्ड इनपुट से पढ़ा जाता है, कमांड लाइन से कभी नहीं)
secrets-error-empty = "{ $key }" खाली है: वैल्यू टाइप करें, फिर Enter दबाएँ
secrets-error-aadhaar = "operator.aadhaar": { $error }
# A number stored by a release whose check-digit table was wrong (src/config/secrets.rs).
secrets-error-aadhaar-stored-invalid = इस PC में रखा ऑपरेटर का आधार नंबर (XXXX XXXX { $last_four }) चेक अंक की जाँच में फ़ेल होता है: शायद सेट करते समय कोई अंक ग़लत टाइप हुआ था, और rd-agent के पुराने वर्ज़न ने इसे नहीं पकड़ा। rd-agent इस नंबर का इस्तेमाल नहीं करेगा, इसलिए कोई लॉगिन नहीं भेजा जाएगा और कोई पैसा नहीं कटेगा। आधार नंबर फिर से सेट करें: "rd-agent config set-secret operator.aadhaar"।
secrets-error-key-length = "instantpay.encryption_key" ठीक { $expected } बाइट की होनी चाहिए (InstantPay की दी हुई "Encryption Key", क्लाइंट सीक्रेट नहीं); यह { $count } बाइट की है
secrets-reason-not-toml = यह सही TOML नहीं है
secrets-reason-unknown-entry = अनजानी एंट्री "{ $key }"
secrets-reason-not-string = { $key } टेक्स्ट (string) नहीं है
secrets-reason-too-large = यह बहुत ज़्यादा बड़ी है

## Service

service-installed = rd-agent सर्विस इंस्टॉल हो गई।
service-uninstalled = rd-agent सर्विस हटा दी गई।
service-ran = चलाया: { $command }
# $installed, $enabled, $running: service-yes or service-no; $detail: the service manager's words.
service-status = इंस्टॉल है: { $installed }, अपने-आप शुरू होती है: { $enabled }, चल रही है: { $running } ({ $detail })
service-yes = हाँ
service-no = नहीं
service-says = सर्विस का कहना है: { $sentence }
service-no-answer = { $path } पर कोई जवाब नहीं
service-not-running = rd-agent सर्विस नहीं चल रही है: इसे "systemctl start rd-agent" (Linux) या "sc start rd-agent" (Windows) से चालू करें।
service-exe-not-found = इस प्रोग्राम का अपना पाथ नहीं मिला: { $error }
service-error-not-privileged = सर्विस इंस्टॉल करने के लिए एडमिनिस्ट्रेटर अधिकार चाहिए: इसे sudo के साथ (Linux) या एडमिनिस्ट्रेटर वाले प्रॉम्प्ट से (Windows) फिर से चलाएँ।
service-error-write = { $path } लिखा नहीं जा सका: { $error }। देखें कि फ़ोल्डर मौजूद है और उसमें लिखा जा सकता है।
service-error-command = "{ $command }" नहीं चल सका: { $detail }
service-error-manager = सर्विस मैनेजर ने मना कर दिया: { $error }
service-error-unsupported = इस प्लैटफ़ॉर्म पर सर्विस रजिस्टर नहीं की जा सकती।

## Sandbox

# `rd-agent login --sandbox` (src/cli/login.rs).
sandbox-banner = सैंडबॉक्स: डेमो RD Service ({ $vendor }) 127.0.0.1:{ $port } पर, सैंडबॉक्स InstantPay { $base_url } पर, डेमो आउटलेट { $outlet }, टेस्ट आधार { $aadhaar }, स्टेट { $state_dir } में
sandbox-instantpay-failed = सैंडबॉक्स InstantPay शुरू नहीं हो सका: { $error }
sandbox-rd-failed = डेमो RD Service शुरू नहीं हो सकी: { $error }
sandbox-fixtures-missing = इस बिल्ड में सैंडबॉक्स की फ़िक्स्चर फ़ाइलें नहीं हैं
# `rd-agent sandbox` (src/cli/sandbox.rs).
sandbox-rd-line = डेमो RD Service: { $vendor }, { $url } पर
sandbox-instantpay-line = सैंडबॉक्स InstantPay: { $base_url } (डेमो आउटलेट { $outlet }, क्लाइंट id { $client_id }, ऑपरेटर { $aadhaar })
sandbox-stop-hint = रोकने के लिए Ctrl-C दबाएँ।
sandbox-instantpay-port-failed = सैंडबॉक्स InstantPay 127.0.0.1:{ $port } पर शुरू नहीं हो सका: { $error }; कोई दूसरा --api-port चुनें
sandbox-unknown-vendor = अनजाना वेंडर "{ $vendor }"; इनमें से एक चुनें: { $vendors }
sandbox-rd-port-failed = डेमो RD Service 127.0.0.1:{ $port } पर शुरू नहीं हो सकी: { $error }

## RD Service errors

# crates/rd/src/transport.rs. $verb is the RD protocol verb: RDSERVICE, DEVICEINFO or CAPTURE.
rd-not-found = { $host } के पोर्ट { $ports } पर किसी RD Service ने जवाब नहीं दिया। स्कैनर लगाएँ और स्कैनर की RD Service चालू करें (या rd.ports जाँचें, और देखें कि स्कैनर का ड्राइवर इंस्टॉल है)
rd-refused = पोर्ट { $port } पर RD Service से कनेक्ट नहीं हो सका: कनेक्शन मना हो गया (connection refused)। RD Service चालू करें
rd-connect = पोर्ट { $port } पर RD Service से कनेक्ट नहीं हो सका: { $detail }। RD Service चालू करें
rd-timeout = पोर्ट { $port } की RD Service ने { $ms } ms में { $verb } का जवाब नहीं दिया। RD Service रीस्टार्ट करें
rd-http-status = पोर्ट { $port } की RD Service ने { $verb } का जवाब HTTP स्टेटस { $status } के साथ दिया। RD Service रीस्टार्ट करें
rd-too-large = पोर्ट { $port } पर { $verb } का जवाब { $limit } बाइट से बड़ा है; हो सकता है इस पोर्ट पर RD Service न हो
rd-not-http = पोर्ट { $port } पर { $verb } का जवाब सही नहीं है: कनेक्शन टूट गया या जवाब HTTP नहीं है ({ $detail })
rd-malformed = पोर्ट { $port } पर { $verb } का जवाब सही नहीं है: { $detail }
# $status: NOTREADY or USED.
rd-not-ready = पोर्ट { $port } की RD Service { $status } है, READY नहीं। स्कैनर लगाएँ, या जो ऐप्लिकेशन स्कैनर इस्तेमाल कर रहा है उसे बंद करें
rd-capture-failed = पोर्ट { $port } पर फ़िंगरप्रिंट नहीं लिया जा सका: { $failure }
rd-options-invalid = कैप्चर की सेटिंग सही नहीं है: { $error }
rd-client-failed = HTTP क्लाइंट तैयार नहीं हो सका: { $error }
rd-no-scheme = जाँचने के लिए कोई स्कीम (http या https) नहीं है
rd-reply-unexpected = <{ $expected }> चाहिए था, <{ $found }> मिला
rd-reply-no-status = <RDService> में status एट्रिब्यूट नहीं है

## RD Service replies

# crates/rd/src/pid.rs
rd-pid-unreadable = PidData वाला जवाब पढ़ा नहीं जा सका: { $error }। फिर से फ़िंगरप्रिंट लें; बार-बार हो तो RD Service रीस्टार्ट करें या दोबारा इंस्टॉल करें
rd-pid-not-piddata = जवाब <{ $found }> है, <PidData> नहीं। देखें कि यह पोर्ट RD Service का ही है
rd-pid-missing = PidData वाले जवाब में <{ $element }> एलिमेंट नहीं है। फिर से फ़िंगरप्रिंट लें; बार-बार हो तो RD Service अपडेट करें
rd-pid-no-errcode = PidData वाले जवाब के <Resp> में errCode नहीं है। फिर से फ़िंगरप्रिंट लें; बार-बार हो तो RD Service अपडेट करें
rd-pid-bad-errcode = PidData का errCode "{ $code }" संख्या नहीं है। फिर से फ़िंगरप्रिंट लें; बार-बार हो तो RD Service अपडेट करें
rd-pid-empty = errCode 0 होने पर भी PidData का <{ $element }> एलिमेंट खाली है। फिर से फ़िंगरप्रिंट लें
# crates/rd/src/xml.rs: details inside rd-malformed and rd-pid-unreadable.
rd-xml-empty = जवाब खाली है
rd-xml-too-large = जवाब { $size } बाइट का है, जो { $limit } बाइट की सीमा से ज़्यादा है
rd-xml-not-utf8 = जवाब UTF-8 टेक्स्ट नहीं है (ऑफ़सेट { $offset } पर ग़लत बाइट)
rd-xml-syntax = जवाब बाइट { $offset } पर सही XML नहीं है: { $detail }
rd-xml-truncated = जवाब अधूरा है: यह <{ $element }> के अंदर ही ख़त्म हो जाता है
rd-xml-no-root = जवाब में कोई रूट एलिमेंट नहीं है
rd-xml-multiple-roots = जवाब में एक से ज़्यादा रूट एलिमेंट हैं
rd-xml-too-deep = जवाब में एलिमेंट { $limit } स्तर से ज़्यादा अंदर तक हैं
rd-xml-too-many-elements = जवाब में { $limit } से ज़्यादा एलिमेंट हैं
# crates/rd/src/cert.rs
rd-cert-empty = डिवाइस सर्टिफ़िकेट (mc) खाली है
rd-cert-not-base64 = डिवाइस सर्टिफ़िकेट (mc) base64 में नहीं है
rd-cert-not-x509 = डिवाइस सर्टिफ़िकेट (mc) X.509 सर्टिफ़िकेट नहीं है: { $error }
rd-cert-bad-date = डिवाइस सर्टिफ़िकेट (mc) की वैधता की तारीख़ सही सीमा में नहीं है
# crates/rd/src/usb.rs
rd-usb-list-failed = USB डिवाइस की सूची नहीं मिल सकी ({ $error }); देखें कि इस यूज़र को USB पढ़ने की अनुमति है
# crates/rd/src/options.rs
rd-option-fcount = fCount 1 से 10 तक होना चाहिए, { $value } नहीं
rd-option-ftype = fType 0 (FMR), 1 (FIR) या 2 (FMR+FIR) होना चाहिए, { $value } नहीं
rd-option-timeout = कैप्चर का टाइमआउट 1000 से 120000 ms तक होना चाहिए, { $value } नहीं
rd-option-env = env P (production), PP (pre-production) या S (staging) होना चाहिए, "{ $value }" नहीं

## RD error codes

# crates/rd/src/errors.rs. The whole sentence of a failed capture:
# $info is the service's errInfo, or the code's meaning (rd-error-NNN-meaning) when it sent none;
# $action is rd-error-NNN or one of the rd-error-999-* refinements.
rd-capture-failure = RD Service ने एरर { $code } बताया ({ $info })। { $action }
rd-error-unknown = RD Service रीस्टार्ट करके फिर कोशिश करें; बार-बार हो तो स्कैनर की कंपनी से संपर्क करें।

rd-error-100-meaning = PidOptions सही नहीं हैं
rd-error-100 = rd-agent अपडेट करें: RD Service ने कैप्चर की सेटिंग नहीं मानी।
rd-error-110-meaning = यह fType सपोर्ट नहीं है
rd-error-110 = RD Service अपडेट करें, या fType 0 (FMR) से कैप्चर करें।
rd-error-120-meaning = fCount सही नहीं है
rd-error-120 = fCount 1 से 10 के बीच रखकर कैप्चर करें।
rd-error-130-meaning = iType सही नहीं है
rd-error-130 = आइरिस (आँख) वाली सेटिंग के बिना कैप्चर करें।
rd-error-140-meaning = iCount सही नहीं है
rd-error-140 = iCount 0 रखकर कैप्चर करें।
rd-error-150-meaning = pidVer सही नहीं है
rd-error-150 = pidVer 2.0 रखकर कैप्चर करें, या RD Service अपडेट करें।
rd-error-160-meaning = टाइमआउट सही नहीं है
rd-error-160 = कैप्चर का टाइमआउट 1 से 120 सेकंड के बीच रखें।
rd-error-170-meaning = posh सही नहीं है
rd-error-170 = posh UNKNOWN रखकर कैप्चर करें।
rd-error-180-meaning = चेहरा मिलाने का सपोर्ट नहीं है
rd-error-180 = चेहरे वाली सेटिंग के बिना कैप्चर करें।
rd-error-190-meaning = फ़ॉर्मैट सही नहीं है
rd-error-190 = format 0 (XML) रखकर कैप्चर करें।
rd-error-200-meaning = Demo की बनावट सही नहीं है
rd-error-200 = Demo डेटा के बिना कैप्चर करें।
rd-error-210-meaning = protobuf फ़ॉर्मैट सपोर्ट नहीं है
rd-error-210 = format 0 (XML) रखकर कैप्चर करें।
rd-error-220-meaning = env सही नहीं है
rd-error-220 = rd.env को P, PP या S रखें, जैसा RD Service का रजिस्ट्रेशन है।
rd-error-700-meaning = कैप्चर का समय ख़त्म हो गया
rd-error-700 = तय समय के अंदर स्कैनर पर फिर से उंगली रखें।
rd-error-710-meaning = डिवाइस कोई दूसरा ऐप्लिकेशन इस्तेमाल कर रहा है
rd-error-710 = स्कैनर इस्तेमाल कर रहा दूसरा ऐप्लिकेशन बंद करें, फिर कोशिश करें।
rd-error-720-meaning = डिवाइस तैयार नहीं है या जुड़ा नहीं है
rd-error-720 = स्कैनर लगाएँ (USB केबल जाँचें), फिर कोशिश करें।
rd-error-730-meaning = कैप्चर नहीं हुआ, बीच में रुक गया या USB निकल गया
rd-error-730 = फिर से उंगली रखें और USB केबल लगी रहने दें।
rd-error-740-meaning = डिवाइस को फिर से शुरू (री-इनिशियलाइज़) करना होगा
rd-error-740 = स्कैनर निकालें, फिर से लगाएँ, और कोशिश करें।
rd-error-750-meaning = फ़िंगरप्रिंट का सपोर्ट नहीं है
rd-error-750 = इस लॉगिन के लिए फ़िंगरप्रिंट वाली RD Service इस्तेमाल करें।
rd-error-760-meaning = आइरिस का सपोर्ट नहीं है
rd-error-760 = आइरिस नहीं, फ़िंगरप्रिंट लें।
rd-error-770-meaning = URL सही नहीं है
rd-error-770 = RD Service रीस्टार्ट करें; उसने कैप्चर का पता (URL) नहीं माना।
rd-error-900-meaning = डिवाइस किसी दूसरे ऐप्लिकेशन के लिए लॉक है
rd-error-900 = इस ऐप्लिकेशन के लिए रजिस्टर किया हुआ स्कैनर इस्तेमाल करें, या स्कैनर की कंपनी से इसे अनलॉक करवाएँ।
rd-error-999-meaning = RD Service की अंदरूनी गड़बड़ी
rd-error-999 = स्कैनर की कंपनी से RD Service रिन्यू करवाएँ या फिर से रजिस्टर करवाएँ, इंटरनेट कनेक्शन और घड़ी जाँचें, फिर कोशिश करें।
# Error 999, refined by the words of the service's errInfo.
rd-error-999-not-registered = स्कैनर को कंपनी की RD Service में रजिस्टर करें (इंटरनेट से जोड़कर रजिस्टर करें), फिर कोशिश करें।
rd-error-999-clock = कंप्यूटर की घड़ी सही समय पर करें (ऑटोमैटिक समय चालू करें), फिर कोशिश करें।
rd-error-999-certificate = RD Service रिन्यू करें: उसका सर्टिफ़िकेट सही नहीं है या अभी डाउनलोड हो रहा है; इंटरनेट से जोड़ें और थोड़ा इंतज़ार करें।
rd-error-999-permission = RD Service को USB स्कैनर इस्तेमाल करने की अनुमति दें, फिर कोशिश करें।
rd-error-999-internet = इंटरनेट से जोड़ें ताकि RD Service अपने सर्वर से बात कर सके, फिर कोशिश करें।
rd-error-999-usb = स्कैनर का USB कनेक्शन जाँचें, फिर कोशिश करें।

## InstantPay errors

# crates/instantpay/src/client.rs
api-error-config = InstantPay क्लाइंट की सेटिंग: { $error }
api-error-request = लॉगिन नहीं भेजा गया (कोई चार्ज नहीं लगा): { $error }
api-error-connect = InstantPay ({ $base_url }) से कनेक्ट नहीं हो सका ({ $reason }): नेटवर्क और instantpay.base_url जाँचें। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा।
api-error-no-answer = InstantPay ({ $base_url }) से कोई जवाब नहीं आया ({ $reason }): हो सकता है रिक्वेस्ट पहुँच गई हो; थोड़ी देर बाद फिर कोशिश करें।
api-error-reply = { $error } (HTTP { $http_status })
# $meaning: one of the ipay-status-* sentences.
api-error-rejected = InstantPay ने रिक्वेस्ट मना कर दी: { $statuscode } ({ $meaning }): { $message }
# $call: the API call's name (outletLoginStatus).
api-error-unexpected = InstantPay ने { $call } का जवाब { $statuscode }/{ $actcode } दिया, जिसे rd-agent नहीं समझता: ये कोड InstantPay सपोर्ट को बताएँ।
# The $error of api-error-config.
api-base-url-not-url = instantpay.base_url "{ $base_url }" सही URL नहीं है (जैसे { $example })।
api-base-url-not-https = instantpay.base_url "{ $base_url }" में https होना चाहिए (सादा http सिर्फ़ इसी कंप्यूटर पर चल रहे टेस्ट सर्वर के लिए)।
api-endpoint-ip-invalid = instantpay.endpoint_ip "{ $value }" IP एड्रेस नहीं है: इस कंप्यूटर का वह पब्लिक IP डालें जो InstantPay के पास व्हाइटलिस्ट है।
# $key: instantpay.client_id, instantpay.endpoint_ip or instantpay.outlet_id.
api-setting-empty = { $key } खाली है: इसे कॉन्फ़िग में सेट करें।
api-setting-bad-characters = { $key } में ऐसे अक्षर हैं जो HTTP हेडर में नहीं जा सकते (नई लाइन या non-ASCII?): इसे फिर से डालें।
api-client-secret-empty = क्लाइंट सीक्रेट खाली है: इसे "rd-agent config set-secret instantpay.client_secret" से सेट करें।
api-client-secret-bad-characters = क्लाइंट सीक्रेट में ऐसे अक्षर हैं जो HTTP हेडर में नहीं जा सकते (नई लाइन या non-ASCII?): इसे "rd-agent config set-secret instantpay.client_secret" से फिर से सेट करें।
api-http-client-failed = HTTP क्लाइंट शुरू नहीं हो सका: { $error }
api-request-encode-failed = रिक्वेस्ट की बॉडी तैयार नहीं हो सकी।
api-login-encode-failed = लॉगिन की बॉडी तैयार नहीं हो सकी।
# Reasons inside api-error-connect, api-error-no-answer and login-error-unknown.
api-no-reply-within = { $seconds } सेकंड में कोई जवाब नहीं आया
api-timed-out = समय ख़त्म हो गया (timeout)
api-reply-unreadable = जवाब पढ़ा नहीं जा सका: { $error } (HTTP { $http_status })
api-sent-but = रिक्वेस्ट भेज दी गई, पर { $reason }
api-reply-over-limit = जवाब { $limit } बाइट से बड़ा था (HTTP { $http_status })
api-txn-unknown-actcode = InstantPay ने TXN के साथ actcode "{ $actcode }" भेजा, जो न LOGGEDIN है न LOGINREQUIRED
api-under-process = InstantPay के हिसाब से लॉगिन अभी प्रोसेस में है (TUP)
# crates/instantpay/src/envelope.rs
api-reply-empty = InstantPay का जवाब खाली था।
api-reply-too-large = InstantPay का जवाब { $limit } बाइट से बड़ा है: उसे नहीं लिया गया।
api-reply-malformed = InstantPay का जवाब JSON एनवेलप नहीं है ({ $detail }): हो सकता है सर्वर बंद हो, या वह InstantPay का सर्वर न हो।

## InstantPay status codes

# crates/instantpay/src/codes.rs: what each statuscode / actcode means and what to do.
ipay-status-txn = सफल
ipay-status-tup = ट्रांज़ैक्शन प्रोसेस में है: दोबारा न भेजें; बाद में स्टेटस देखें
ipay-status-err = प्रोवाइडर या बैंक ने गड़बड़ी बताई: थोड़ी देर बाद फिर कोशिश करें
ipay-status-rpi = रिक्वेस्ट में ग़लत जानकारी है: आउटलेट की लोकेशन (latitude/longitude) और फ़िंगरप्रिंट जाँचें
ipay-status-iac = क्रेडेंशियल ग़लत हैं: instantpay.client_id और क्लाइंट सीक्रेट जाँचें
ipay-status-uad = एक्सेस नहीं मिला: देखें कि इस कंप्यूटर का IP (instantpay.endpoint_ip) InstantPay के पास व्हाइटलिस्ट है
ipay-status-iat = टोकन या auth कोड ग़लत है: क्लाइंट क्रेडेंशियल जाँचें
ipay-status-oui = आउटलेट को अनुमति नहीं है या वह बंद (इनएक्टिव) है: अगर 6 महीने से कोई ट्रांज़ैक्शन नहीं हुआ है तो आउटलेट को फिर से ऑनबोर्ड करवाएँ
ipay-status-odi = आउटलेट की जानकारी ग़लत है: instantpay.outlet_id और ऑपरेटर का आधार जाँचें
ipay-status-dtx = डुप्लिकेट ट्रांज़ैक्शन: यह externalRef पहले इस्तेमाल हो चुका है
ipay-status-did = डुप्लिकेट रिक्वेस्ट id: यह externalRef पहले इस्तेमाल हो चुका है
ipay-status-ise = InstantPay में अंदरूनी गड़बड़ी: थोड़ी देर बाद फिर कोशिश करें
ipay-status-ipe = InstantPay में प्रोसेसिंग की अंदरूनी गड़बड़ी: थोड़ी देर बाद फिर कोशिश करें
ipay-status-spd = सर्विस प्रोवाइडर बंद है: थोड़ी देर बाद फिर कोशिश करें
ipay-status-spe = सर्विस प्रोवाइडर में गड़बड़ी: थोड़ी देर बाद फिर कोशिश करें
ipay-status-usm = InstantPay पर मेंटेनेंस चल रहा है: थोड़ी देर बाद फिर कोशिश करें
ipay-status-sna = इस खाते के लिए यह सर्विस उपलब्ध नहीं है: InstantPay से आउटलेट के लिए AePS चालू करवाएँ
ipay-status-unknown = ऐसा कोड जिसे rd-agent नहीं जानता: यह कोड InstantPay सपोर्ट को बताएँ
ipay-act-loggedin = आउटलेट का आज का लॉगिन हो चुका है
ipay-act-loginrequired = आउटलेट को आज का बायोमेट्रिक लॉगिन करना है

## Login request

# crates/instantpay/src/request.rs. $which: latitude or longitude (also the config key's last part).
request-coordinate-format =
    { $which ->
        [latitude] अक्षांश (latitude)
       *[longitude] देशांतर (longitude)
    } "{ $value }" सही नहीं है: यह डिग्री में, दशमलव के बाद 4 से 6 अंकों के साथ होना चाहिए (जैसे "28.6139")। कॉन्फ़िग में outlet.{ $which } ठीक करें।
request-coordinate-range =
    { $which ->
        [latitude] अक्षांश (latitude)
       *[longitude] देशांतर (longitude)
    } { $value } भारत के बाहर है (यह { $min } से { $max } के बीच होना चाहिए): कॉन्फ़िग में outlet.{ $which } ठीक करें।
request-external-ref = externalRef में 1 से 40 अक्षर और अंक होने चाहिए; यह वैसा नहीं है।
request-encrypted-aadhaar = encryptedAadhaar नहीं है या 44 अक्षरों का नहीं है: पहले ऑपरेटर का आधार एन्क्रिप्ट करें।

## Aadhaar

# crates/instantpay/src/aadhaar.rs
aadhaar-length =
    आधार नंबर में ठीक 12 अंक होने चाहिए (बीच में स्पेस चल सकते हैं); { $count ->
        [1] इसमें { $count } अंक है।
       *[other] इसमें { $count } अंक हैं।
    }
aadhaar-not-digits = आधार नंबर में सिर्फ़ अंक और स्पेस हो सकते हैं।
aadhaar-first-digit = आधार नंबर 0 या 1 से शुरू नहीं होता: टाइप किया हुआ नंबर जाँचें।
aadhaar-check-digit = आधार नंबर का चेक अंक (Verhoeff) मेल नहीं खाता: देखें कि कोई अंक ग़लत तो टाइप नहीं हुआ।
aadhaar-key-length = एन्क्रिप्शन कुंजी ठीक 32 बाइट की होनी चाहिए (InstantPay की दी हुई "Encryption Key", क्लाइंट सीक्रेट नहीं); यह { $count } बाइट की है।
aadhaar-encoding = encryptedAadhaar सही base64 के 44 अक्षरों में नहीं है।
aadhaar-decrypt = encryptedAadhaar इस कुंजी से डिक्रिप्ट नहीं हो सका (कुंजी ग़लत है या डेटा ख़राब है)।

## Device generation

# A scanner's generation, from crates/rd/src/generation.rs; $device is its provider, model and
# RD Service.
device-generation-l1 = { $device } एक L1 रजिस्टर्ड डिवाइस है।
device-generation-l0 = { $device } एक L0 डिवाइस है: UIDAI ने L0 डिवाइस 30 जून 2025 के बाद बंद करने को कहा था। UIDAI के मना करने (एरर 553-557) से पहले इसकी जगह L1 डिवाइस लगवा लें।
device-generation-unknown = { $device }: यह L0 है या L1, यह rd-agent की सूची में नहीं है; पक्का न हो तो स्कैनर की कंपनी से पूछें।

## UIDAI error codes

# Codes UIDAI returns through InstantPay (usually inside the status text of a rejected or
# mismatched login), with what the operator should do.
uidai-300 = फ़िंगरप्रिंट इस आधार से मेल नहीं खाया (UIDAI 300)। उंगली साफ़ करें, इस आधार में रजिस्टर की हुई उंगली स्कैनर पर सपाट रखें, और फिर से लॉगिन करें। इस प्रयास का चार्ज लग चुका है।
uidai-330 = आधार धारक ने इस आधार के बायोमेट्रिक लॉक किए हुए हैं (UIDAI 330)। mAadhaar ऐप या UIDAI की वेबसाइट पर जाकर इन्हें अनलॉक करें, फिर से लॉगिन करें।
uidai-553 = UIDAI यह RD Service नहीं मानता (UIDAI 553: RD सपोर्ट नहीं है)। L1 डिवाइस इस्तेमाल करें, और स्कैनर की कंपनी से उसकी RD Service अपडेट करवाकर फिर से रजिस्टर करवाएँ।
uidai-554 = UIDAI पब्लिक डिवाइस नहीं मानता (UIDAI 554)। इस दुकान के लिए रजिस्टर किया हुआ L1 डिवाइस इस्तेमाल करें, और स्कैनर की कंपनी से उसकी RD Service फिर से रजिस्टर करवाएँ।
uidai-555 = UIDAI इस RD Service को नहीं पहचानता (UIDAI 555: rdsId ग़लत है); आम तौर पर यह पुराना L0 या बिना रजिस्ट्रेशन वाला डिवाइस होता है। L1 डिवाइस इस्तेमाल करें, और स्कैनर की कंपनी से उसकी RD Service अपडेट करवाकर फिर से रजिस्टर करवाएँ।
uidai-556 = UIDAI RD Service का यह वर्ज़न नहीं मानता (UIDAI 556: rdsVer ग़लत है); आम तौर पर यह पुराना L0 या बिना रजिस्ट्रेशन वाला डिवाइस होता है। स्कैनर की कंपनी से RD Service अपडेट करवाकर फिर से रजिस्टर करवाएँ, या L1 डिवाइस इस्तेमाल करें।
uidai-557 = UIDAI इस डिवाइस की कंपनी को नहीं पहचानता (UIDAI 557: dpId ग़लत है); आम तौर पर यह पुराना L0 या बिना रजिस्ट्रेशन वाला डिवाइस होता है। L1 डिवाइस इस्तेमाल करें, और स्कैनर की कंपनी से उसकी RD Service अपडेट करवाकर फिर से रजिस्टर करवाएँ।
uidai-561 = रिक्वेस्ट का समय निकल गया (UIDAI 561): UIDAI तक पहुँचते-पहुँचते फ़िंगरप्रिंट बहुत पुराना हो गया। कंप्यूटर की घड़ी जाँचें, फिर से उंगली स्कैन करें और तुरंत भेजें।
uidai-562 = फ़िंगरप्रिंट पर आगे का (भविष्य का) समय लगा है (UIDAI 562): कंप्यूटर की घड़ी ग़लत है। घड़ी सही करें (ऑटोमैटिक समय चालू करें; "rd-agent doctor" इसे जाँचता है), फिर से लॉगिन करें।
uidai-563 = UIDAI को यह फ़िंगरप्रिंट पहले ही मिल चुका है (UIDAI 563: डुप्लिकेट रिक्वेस्ट)। फिर से उंगली स्कैन करें: एक ही फ़िंगरप्रिंट दो बार नहीं भेजा जाता।
# The reply's own text, kept under the explanation for support.
uidai-reply = InstantPay का जवाब, जैसा आया: "{ $message }"
# A UIDAI code's sentence, then InstantPay's reply on the next line.
uidai-explained =
    { $sentence }
    { $reply }

## The login relay (src/cli/enroll.rs, src/i18n/errors.rs)
enroll-done = जुड़ गया: यह कंप्यूटर आउटलेट { $outlet } का लॉगिन { $url } वाले लॉगिन रिले से करेगा (डिवाइस { $device })। इसमें InstantPay का कोई सीक्रेट नहीं है।
enroll-next = अगला क़दम: आज के लॉगिन के लिए "rd-agent login" चलाएँ।
enroll-sandbox-aadhaar-ignored = यह रिले एक सैंडबॉक्स है और इसने एक टेस्ट आधार दिया: उसे ऑपरेटर के आधार के रूप में नहीं रखा गया (उसके लिए "rd-agent enroll --sandbox" चलाएँ)।
enroll-bad-reply = रिले के जवाब में काम का { $what } नहीं है: प्लेटफ़ॉर्म के सपोर्ट को बताएँ। इस कंप्यूटर की सेटिंग नहीं बदली गई।
relay-device-revoked = प्लेटफ़ॉर्म ने इस कंप्यूटर की लॉगिन रिले तक पहुँच हटा दी है। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। प्लेटफ़ॉर्म से नया एनरोलमेंट कोड लें, फिर "rd-agent enroll" दोबारा चलाएँ।
relay-device-unknown = लॉगिन रिले इस कंप्यूटर को नहीं पहचानता (इसका एनरोलमेंट हटा दिया गया, या टोकन ग़लत है)। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। प्लेटफ़ॉर्म से नया एनरोलमेंट कोड लें, फिर "rd-agent enroll" दोबारा चलाएँ।
relay-rate-limited = लॉगिन रिले को इस आउटलेट से बहुत ज़्यादा अनुरोध मिल रहे हैं। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। एक मिनट रुकें, फिर दोबारा कोशिश करें।
relay-outlet-busy = इस आउटलेट का दूसरा कंप्यूटर अभी लॉगिन कर रहा है। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। एक मिनट बाद दोबारा कोशिश करें: अगर उसका लॉगिन हो गया, तो यह कंप्यूटर भी लॉगिन है।
relay-settling = इस आउटलेट के पिछले लॉगिन का नतीजा अभी पता नहीं है, और अभी नया लॉगिन करने पर दो बार पैसे कट सकते हैं। इस बार कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। कुछ मिनट बाद दोबारा कोशिश करें।
relay-code-invalid = यह एनरोलमेंट कोड अनजाना है, पहले इस्तेमाल हो चुका है या इसकी मियाद ख़त्म हो गई है। प्लेटफ़ॉर्म से नया कोड लें।
relay-wrong-operator = InstantPay में इस आउटलेट का ऑपरेटर कोई और है, इस कंप्यूटर पर सेट आधार वाला नहीं। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। ऑपरेटर का आधार सेट करें: "rd-agent config set-secret operator.aadhaar"।
relay-key-expired = RD Service ने उंगली का डेटा UIDAI की ऐसी कुंजी से एन्क्रिप्ट किया जिसकी मियाद ख़त्म हो चुकी है: UIDAI इसे नहीं मानेगा, फिर भी पैसा कट जाएगा। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। स्कैनर कंपनी से RD Service अपडेट करवाएँ, फिर लॉगिन करें।
relay-decline-guard = इस आउटलेट के पिछले दो लॉगिन में उंगली मेल नहीं खाई, और लगातार तीसरी बार ऐसा हुआ तो बैंक ऑपरेटर का AePS बंद कर सकता है। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। स्कैनर और उंगली साफ़ करें, फिर अपने प्लेटफ़ॉर्म के सपोर्ट को फ़ोन करें: वे अगला लॉगिन होने दे सकते हैं।
relay-failure-cap = आज इस आउटलेट के बहुत सारे लॉगिन फ़ेल हुए और उनका पैसा कटा। कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा। अपने प्लेटफ़ॉर्म के सपोर्ट को फ़ोन करें: वे अगला लॉगिन होने दे सकते हैं।
api-error-relay = लॉगिन रिले ने अनुरोध मना कर दिया ({ $code }): { $message } कुछ नहीं भेजा गया, और कोई पैसा नहीं कटा।

## Help

# `--help` of the operator's commands (src/cli/help.rs): help-<command>-about for a command,
# help-<command>-<argument> for its arguments. Short: one line each in a terminal.
help-rd-agent-about = रोज़ का AePS बायोमेट्रिक लॉगिन करने वाला एजेंट
help-heading-usage = इस्तेमाल:
help-heading-commands = कमांड:
help-heading-arguments = क्या लिखें:
help-heading-options = विकल्प:
help-flag-help = यह मदद दिखाएँ
help-flag-version = वर्ज़न दिखाएँ
help-global-json = इंसान के पढ़ने वाले टेक्स्ट की जगह stdout पर एक JSON दस्तावेज़ छापें
help-global-config = कॉन्फ़िग फ़ाइल (डिफ़ॉल्ट: सिस्टम की या इस यूज़र की जगह)
help-global-state-dir = स्टेट फ़ोल्डर: लेजर, सीक्रेट फ़ाइल, लॉग और IPC सॉकेट यहीं रहते हैं
help-global-socket = सर्विस से जुड़ने का IPC पता (डिफ़ॉल्ट: सर्विस ने स्टेट फ़ोल्डर में जो लिखा है वह, नहीं तो "<state dir>/agent.sock", नहीं तो सिस्टम वाला)
help-global-lang = आप किस भाषा में पढ़ेंगे: en (अंग्रेज़ी), hi (हिंदी) या auto (डिफ़ॉल्ट: कॉन्फ़िग का ui.language)
help-login-about = रोज़ का लॉगिन
help-login-sandbox = असली की जगह अंदर बने सैंडबॉक्स पर चलाएँ (नकली RD Service और सैंडबॉक्स InstantPay)
help-login-force = इस कंप्यूटर की "लॉगिन हो चुका है" वाली जाँच छोड़ दें (InstantPay से स्टेटस फिर भी पूछा जाता है)
help-login-accept-new-device = दुकान के पहले वाले स्कैनर की जगह इस स्कैनर से लॉगिन करें, और आगे के लिए इसे याद रखें
help-login-despite-declines = पिछले दो लॉगिन में उंगली मेल नहीं खाई, फिर भी लॉगिन करें (तीसरी बार ऐसा हुआ तो ऑपरेटर का AePS बंद हो सकता है): टर्मिनल पर "हाँ" पूछा जाता है, टर्मिनल के बिना यह नहीं चलता
help-status-about = आज के लॉगिन की स्थिति, वह कब तक चलेगा, पिछला प्रयास और कितने प्रयासों का चार्ज लगा
help-doctor-about = वह सब जाँचें जो सपोर्ट वाले फ़ोन पर जाँचते
help-devices-about = इस कंप्यूटर पर चल रही RD Service ढूँढें
help-devices-ports = किन पोर्ट पर ढूँढना है (डिफ़ॉल्ट: 11100-11120)
help-devices-host = किस पते पर ढूँढना है (सिर्फ़ यही कंप्यूटर; डिफ़ॉल्ट: 127.0.0.1)
help-devices-probe-timeout-ms = हर पोर्ट के जवाब का कितनी देर इंतज़ार करें, मिलीसेकंड में
help-config-about = कॉन्फ़िग बनाएँ, देखें और भरें
help-config-init-about = कॉन्फ़िग फ़ाइल लिखें: टर्मिनल पर एक-एक करके पूछता है, या वैल्यू फ़्लैग से ले लेता है
help-config-init-base-url = InstantPay API का पता (डिफ़ॉल्ट: असली API)
help-config-init-client-id = InstantPay से मिला क्लाइंट id (instantpay.client_id)
help-config-init-outlet-id = InstantPay पर दुकान का आउटलेट id (instantpay.outlet_id)
help-config-init-endpoint-ip = दुकान का पब्लिक IP, जैसा InstantPay पर व्हाइटलिस्ट है
help-config-init-latitude = दुकान का अक्षांश, दशमलव के बाद 4 से 6 अंक, जैसे 19.0760
help-config-init-longitude = दुकान का देशांतर, दशमलव के बाद 4 से 6 अंक, जैसे 72.8777
help-config-init-rd-ports = RD Service किन पोर्ट पर ढूँढनी है, जैसे 11100-11120
help-config-init-min-qscore = भेजने लायक कैप्चर की कम से कम क्वालिटी (qScore; capture.min_qscore)
help-config-init-min-nmpoints = भेजने लायक कैप्चर में कम से कम मिन्यूशिया (nmPoints; capture.min_nmpoints)
help-config-init-no-input = कुछ न पूछें, टर्मिनल पर भी नहीं
help-config-init-overwrite = मौजूदा फ़ाइल की जगह डिफ़ॉल्ट वैल्यू से शुरू करें
help-config-show-about = अभी लागू कॉन्फ़िग दिखाएँ (पहले फ़ाइल, फिर एनवायरनमेंट), सीक्रेट सिर्फ़ "सेट है / सेट नहीं है"
help-config-set-secret-about = एक सीक्रेट सेट करें, जो स्टैंडर्ड इनपुट से पढ़ा जाता है
help-config-set-secret-name = इनमें से एक: instantpay.client_secret, instantpay.encryption_key, relay.token, operator.aadhaar
help-enroll-about = प्लेटफ़ॉर्म के लॉगिन रिले से एक बार वाले कोड से जुड़ें (इस कंप्यूटर पर InstantPay का कोई सीक्रेट नहीं रहता)
help-enroll-relay = रिले का URL, जैसा प्लेटफ़ॉर्म ने दिया है (https; http सिर्फ़ इसी कंप्यूटर के लिए)
help-enroll-code = प्लेटफ़ॉर्म से मिला एक बार वाला एनरोलमेंट कोड
help-enroll-label = रिले की डिवाइस सूची में इस कंप्यूटर का नाम (डिफ़ॉल्ट: कंप्यूटर का होस्ट नाम)
help-enroll-sandbox = rd-agent को सैंडबॉक्स रिले ("rd-relay --sandbox") पर आज़माने के लिए: रिले जो टेस्ट आधार देता है, उसे ऑपरेटर का मान लें। इसके बिना ऑपरेटर का अपना नंबर पूछा जाता है

## The operator's page (crates/page): served on 127.0.0.1 by the tray; `rd-agent open` opens it.

tray-menu-open-page = rd-agent खोलें
page-title = rd-agent: दुकान का रोज़ का लॉगिन
page-heading = rd-agent: दुकान का रोज़ का लॉगिन
page-switch-language = यह पेज अंग्रेज़ी में देखें
page-footer = यह पेज rd-agent सिर्फ़ इसी कंप्यूटर पर दिखाता है। काम पूरा होने पर इसे बंद कर दें।
page-no-script = आज का लॉगिन दिखाने के लिए इस पेज को JavaScript चाहिए। इसकी जगह rd-agent का ट्रे मेनू इस्तेमाल करें।
# The answer to any request without a valid session: it says nothing about the day.
page-forbidden = यह पेज rd-agent के मेनू से खोलें, या "rd-agent open" चलाएँ।
page-headline-down = rd-agent सेवा नहीं चल रही है
page-headline-checking = आज के लॉगिन की जाँच हो रही है
page-headline-logging-in = लॉगिन हो रहा है
page-headline-settling = पिछले लॉगिन के नतीजे का इंतज़ार है
page-headline-cancelled = बैंक ने आज का लॉगिन रद्द कर दिया
page-headline-login-required = आज का लॉगिन करना है
page-headline-logged-in = आज के लिए लॉगिन हो गया है
page-headline-device = स्कैनर को देखना होगा
page-headline-api = अभी लॉगिन नहीं हो सकता
page-headline-setup = rd-agent की सेटिंग ठीक करनी होगी
page-headline-declines = उंगली मेल न खाने से लॉगिन रोके गए हैं
page-headline-new-scanner = कोई दूसरा स्कैनर लगा है
page-detail-lost = rd-agent सेवा से संपर्क टूट गया। फिर से कोशिश हो रही है।
page-detail-cancelled = इस कंप्यूटर से आज का लॉगिन हो गया था, पर बैंक ने उसे रद्द कर दिया। अब सिर्फ़ नया लॉगिन ही इसे वापस लाएगा, और उसके पैसे फिर से कटेंगे।
page-progress-finger = अभी स्कैनर पर उंगली रखें: { $seconds } सेकंड बाकी
page-progress-sending = उंगली स्कैन हो गई: InstantPay से लॉगिन हो रहा है।
page-progress-starting = लॉगिन हो रहा है: स्कैनर की बत्ती जलते ही उस पर उंगली रखें।
page-action-login = अभी लॉगिन करें
page-action-new-scanner = इस नए स्कैनर से लॉगिन करें
page-action-despite-declines = फिर भी लॉगिन करें
# $amount: "₹0.94"; $estimate: "yes" when it is the usual price, not what this PC last paid.
page-action-again = { $estimate ->
    [yes] दोबारा लॉगिन करें (लगभग { $amount } कटेंगे)
   *[no] दोबारा लॉगिन करें ({ $amount } कटेंगे)
}
page-confirm-no = रहने दें
page-confirm-again = { $estimate ->
    [yes] नए लॉगिन के पैसे फिर से कटेंगे: आपके वॉलेट से लगभग { $amount }। दोबारा लॉगिन करें?
   *[no] नए लॉगिन के पैसे फिर से कटेंगे: आपके वॉलेट से { $amount }। दोबारा लॉगिन करें?
}
page-confirm-again-yes = पक्का: { $amount } कटवाकर लॉगिन करें
page-confirm-despite-declines = पिछले { $declines } लॉगिन में उंगली मेल नहीं खाई। लगातार तीसरी बार ऐसा हुआ तो बैंक आपका AePS बंद कर सकता है। स्कैनर और उंगली साफ़ करें, और वही उंगली लगाएँ जो आधार में दर्ज है। फिर भी लॉगिन करें?
page-confirm-despite-declines-yes = जोखिम मंज़ूर है: लॉगिन करें
page-confirm-new-scanner = यह स्कैनर ({ $found }) दुकान का हमेशा वाला स्कैनर ({ $pinned }) नहीं है। अगर दुकान ने स्कैनर नहीं बदला, तो किसी और ने बदला हो सकता है: तब हमेशा वाला स्कैनर लगाएँ। इससे लॉगिन तभी करें जब दुकान अब यही स्कैनर इस्तेमाल करती हो; फिर यही हमेशा वाला स्कैनर बन जाएगा। इससे लॉगिन करें?
page-confirm-new-scanner-yes = हाँ: दुकान अब यही स्कैनर इस्तेमाल करती है

# The page's screens (crates/page): the menu.
page-nav-today = आज
page-nav-history = पिछले लॉगिन
page-nav-checks = स्कैनर और जाँच
page-nav-setup = सेटिंग
# Setup (crates/page/src/setup.rs). The fields' labels are the wizard's config-ask-*.
page-setup-heading = rd-agent की सेटिंग करें
page-setup-intro = चुनें कि यह दुकान कैसे लॉगिन करेगी। हर जवाब लिखते ही जाँचा जाता है; जो नहीं माना गया, उसकी वजह दिखेगी।
page-setup-direct = दुकान की अपनी InstantPay जानकारी से
page-setup-fleet = अपने प्लेटफ़ॉर्म से मिले नामांकन कोड से
page-setup-secrets-note = आप जो गुप्त जानकारी लिखते हैं, वह सिर्फ़ rd-agent सेवा को जाती है और फिर कभी नहीं दिखती। रखी हुई गुप्त जानकारी वैसी ही रखनी हो तो खाना खाली छोड़ दें।
page-setup-now = अभी: { $shown }
page-setup-save = सेटिंग सहेजें
page-setup-enrol = इस कंप्यूटर का नामांकन करें
page-setup-working = सहेजा जा रहा है…
page-setup-saved = सहेज लिया। rd-agent अब आज का लॉगिन जाँच रहा है।
page-setup-ready = लॉगिन के लिए ज़रूरी सब कुछ भरा हुआ है।
page-setup-missing = लॉगिन के लिए अभी यह बाकी है:
# A missing value or secret on the Setup screen: typed in the form there, not set with a command
# (src/setup.rs, missing).
page-setup-not-set = अभी सेट नहीं है: { $name }। इसे नीचे के फ़ॉर्म में लिखें।
page-setup-not-enrolled = इस कंप्यूटर का अभी नामांकन नहीं हुआ है: नीचे अपने प्लेटफ़ॉर्म से मिले कोड से इसका नामांकन करें।
page-secret-client-secret = InstantPay क्लाइंट सीक्रेट
page-secret-encryption-key = InstantPay की "Encryption Key"
page-secret-aadhaar = ऑपरेटर का आधार नंबर
page-setup-fleet-now = यह कंप्यूटर { $url } वाले लॉगिन रिले से लॉगिन करता है।
setup-ask-relay-url = लॉगिन रिले का पता, जैसा आपके प्लेटफ़ॉर्म ने दिया है (जैसे https://relay.example.com)
setup-ask-code = आपके प्लेटफ़ॉर्म से मिला एक बार का नामांकन कोड (जैसे K7QM-4XTP-9DHC)
page-setup-not-saved = कुछ भी नहीं सहेजा गया: { $reason }
page-setup-accepted = मान लिया
# What a refused relay address or code is called in config-value-refused.
setup-field-relay-url = लॉगिन रिले का पता
setup-field-code = नामांकन कोड
# History (crates/page/src/history.rs).
page-history-heading = पिछले { $days } दिनों के लॉगिन
page-history-col-when = कब
page-history-col-result = नतीजा
page-history-col-cost = खर्च
page-history-state-loggedin = लॉगिन हुआ
page-history-state-rejected = नहीं माना गया
page-history-state-declined = उंगली मेल नहीं खाई
page-history-state-sending = भेजा गया, नतीजा अभी पता नहीं
page-history-state-unknown = नतीजा पता नहीं
page-history-cost-amount = { $amount } कटे
page-history-cost-charged = पैसे कटे, रकम नहीं बताई गई
page-history-cost-free = पैसे नहीं कटे
page-history-cost-unknown = पता नहीं
page-history-none = इन दिनों में कोई लॉगिन नहीं किया गया।
page-history-more = इन दिनों के पुराने लॉगिन नहीं दिखाए गए हैं।
page-history-month = इस महीने: { $count ->
    [one] पैसे कटने वाला 1 लॉगिन
   *[other] पैसे कटने वाले { $count } लॉगिन
}, कुल { $amount }।
page-history-month-amount-unknown = { $count ->
    [one] पैसे कटने वाले 1 लॉगिन की रकम नहीं बताई गई, वह इस जोड़ में नहीं है।
   *[other] पैसे कटने वाले { $count } लॉगिन की रकम नहीं बताई गई, वे इस जोड़ में नहीं हैं।
}
page-history-month-charge-unknown = { $count ->
    [one] 1 लॉगिन के पैसे कटे या नहीं, यह पता नहीं है।
   *[other] { $count } लॉगिन के पैसे कटे या नहीं, यह पता नहीं है।
}
page-history-wallet = आख़िरी बार पैसे कटने के बाद वॉलेट में: { $amount }
page-history-no-wallet = वॉलेट में कितने पैसे हैं, यह पता नहीं: इस कंप्यूटर पर InstantPay के जवाबों में यह नहीं था।
page-history-fleet-wallet = लॉगिन का खर्च प्लेटफ़ॉर्म लॉगिन रिले के ज़रिए देता है: उसका वॉलेट इस कंप्यूटर पर नहीं दिखता।
page-history-unavailable = पिछले लॉगिन अभी नहीं दिखाए जा सकते: { $reason }
agent-history-unreadable = rd-agent सेवा अभी लॉगिन का खाता नहीं पढ़ पा रही है। थोड़ी देर में फिर कोशिश करें; ऐसा ही रहे तो "rd-agent doctor" चलाएँ।
# Scanner and checks (crates/page/src/checks.rs).
page-checks-heading = स्कैनर और जाँच
page-checks-devices = इस कंप्यूटर पर मिले स्कैनर
page-check-ok = ठीक है
page-check-problem = देखना होगा
page-check-service = rd-agent सेवा
page-check-service-ok = चल रही है और जवाब दे रही है।
page-check-settings = सेटिंग
page-check-scanner = स्कैनर
page-check-scanner-ok = { $count ->
    [one] 1 RD सेवा तैयार है।
   *[other] { $count } RD सेवाएँ तैयार हैं।
}
page-check-declines = मेल न खाई उंगलियाँ
page-check-declines-ok = लगातार कोई उंगली नामंज़ूर नहीं हुई।
page-check-declines-count = { $count ->
    [one] पिछले लॉगिन में उंगली मेल नहीं खाई। अगले लॉगिन से पहले स्कैनर और उंगली साफ़ करें।
   *[other] पिछले { $count } लॉगिन में उंगली मेल नहीं खाई। लगातार तीसरी बार ऐसा हुआ तो बैंक आपका AePS बंद कर सकता है।
}
page-checks-copy = सहायता के लिए कॉपी करें
page-checks-copied = कॉपी हो गया। इसे सहायता को भेजे जाने वाले संदेश में चिपकाएँ।
page-checks-copy-failed = कॉपी नहीं हो सका: नीचे का लेख चुनकर कॉपी करें।
page-checks-copy-note = इस लेख में कोई गुप्त जानकारी नहीं है: न क्लाइंट सीक्रेट, न कुंजी, और आधार के सिर्फ़ आख़िरी चार अंक।
# The text for support; its lines keep the settings' names as they are.
page-support-title = सहायता के लिए rd-agent की रिपोर्ट ({ $time })
page-support-version = rd-agent संस्करण { $version }
page-support-today = आज: { $state }
page-support-mode = तरीका: { $mode }
page-support-setting = सेटिंग { $key }: { $value }
page-support-secret = गुप्त जानकारी { $key }: { $shown }
page-support-missing = बाकी है: { $problem }
page-support-scanner = स्कैनर: { $device }
page-support-ledger = इस महीने: पैसे कटने वाले { $count } लॉगिन; लगातार मेल न खाई उंगलियाँ: { $declines }

# `rd-agent open` (src/cli/open.rs).
cli-open-opened = rd-agent का पेज ब्राउज़र में खुल गया।
cli-open-no-home = इस उपयोगकर्ता का वह फ़ोल्डर नहीं मिला जिसमें पेज का पता रखा जाता है।
cli-open-no-browser = ब्राउज़र नहीं खुल सका ({ $error })। "rd-agent open --print-url" चलाएँ और जो पता वह दिखाए उसे खोलें।
cli-open-not-started = { $program } से पेज शुरू नहीं हो सका: { $error }। यह rd-agent के साथ ही इंस्टॉल होता है; इसे वापस लाने के लिए rd-agent फिर से इंस्टॉल करें।
