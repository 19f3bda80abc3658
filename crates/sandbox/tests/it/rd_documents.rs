//! The RD Service's documents: real samples, the vendor fixtures and hostile input.

use instantpay::BiometricData;
use rd::{self, PidError, RdStatus};
use sandbox::rd::VENDORS;

use crate::support::real_sample as real;

// ------------------------------------------------------------------ the real samples

#[test]
fn mantra_mfs100_sample_parses_with_every_field() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    assert_eq!(p.resp.err_code, "0");
    assert_eq!(p.resp.err_info, "Success");
    assert_eq!(p.resp.f_type, "0");
    assert_eq!(p.q_score(), Some(71));
    assert_eq!(p.nm_points(), Some(46));
    assert_eq!(p.resp.i_count, "", "absent attributes are empty strings");
    assert_eq!(p.device_info.dp_id, "MANTRA.MSIPL");
    assert_eq!(p.device_info.rds_id, "MANTRA.WIN.001");
    assert_eq!(p.device_info.mi, "MFS100");
    assert_eq!(p.device_info.dc, "21045a54-85e4-4ebd-8b31-2220c4144d7f");
    assert_eq!(p.srno(), "3567278");
    assert_eq!(p.sysid(), "6ECFEBF8608AA99FBFF0");
    assert_eq!(p.ts(), "2022-01-13T18:54:03+05:30");
    assert_eq!(p.skey.ci, "20221021");
    assert_eq!(p.skey.value.len(), 344);
    assert!(p.skey.value.starts_with("nvTyVf0gUZT2"));
    assert_eq!(p.hmac.len(), 64);
    assert_eq!(p.data.kind, "X");
    assert!(p.data.value.starts_with("MjAyMi0wMS0xM1Qx") && p.data.value.ends_with("ogJg=="));
}

#[test]
fn startek_sample_has_namespaces_resp_ts_and_extra_params() {
    let p = rd::parse_pid(&real("startek_fm220u_pid.xml")).unwrap();
    assert_eq!(p.resp.ts, "2022-04-01T13:23:25");
    assert_eq!(p.resp.i_count, "0");
    assert_eq!(p.resp.err_info, "");
    assert_eq!(p.q_score(), Some(80));
    assert_eq!(p.srno(), "B4663185");
    assert_eq!(p.sysid(), "V0RaNlM2WU1QRjBVRlpLWlBGMFVGWkta");
    // The Param wins over Resp@ts.
    assert_eq!(p.ts(), "2022-04-01T13:23:25+05:30");
    assert_eq!(p.device_info.param("SupportUpto"), Some("31-Dec-2099"));
    assert_eq!(p.device_info.rds_id, "ACPL.WIN.001");
}

#[test]
fn mfs110_l1_sample_with_values_on_many_lines() {
    let p = rd::parse_pid(&real("mantra_mfs110_l1_pid_redacted.xml")).unwrap();
    assert_eq!(p.resp.err_info, "Success.");
    assert_eq!(p.q_score(), Some(58));
    assert_eq!(p.device_info.rds_id, "RENESAS.MANTRA.001");
    assert_eq!(p.device_info.param("device_type"), Some("L1"));
    assert_eq!(p.srno(), "8190767");
    assert_eq!(p.skey.ci, "20280813");
}

#[test]
fn real_device_certificates_give_their_expiry() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    let cert = rd::parse_mc(&p.device_info.mc).unwrap();
    assert_eq!(cert.not_after.to_rfc3339(), "2022-02-12T13:21:56+00:00");
    assert!(cert.subject.contains("Mantra"));
    let p = rd::parse_pid(&real("startek_fm220u_pid.xml")).unwrap();
    let cert = rd::parse_mc(&p.device_info.mc).unwrap();
    assert_eq!(cert.not_after.to_rfc3339(), "2022-05-01T07:43:18+00:00");
    assert!(cert.is_expired(chrono::Utc::now()));
    assert_eq!(
        rd::parse_ci(&p.skey.ci),
        chrono::NaiveDate::from_ymd_opt(2022, 10, 21)
    );
}

#[test]
fn biometric_data_has_instantpays_names_and_the_documents_values() {
    let p = rd::parse_pid(&real("mantra_mfs100_pid.xml")).unwrap();
    let v = serde_json::to_value(BiometricData::from_pid(&p)).unwrap();
    let map = v.as_object().unwrap();
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut want = vec![
        "dc",
        "ci",
        "hmac",
        "dpId",
        "mc",
        "pidDataType",
        "sessionKey",
        "mi",
        "rdsId",
        "errCode",
        "errInfo",
        "fCount",
        "fType",
        "iCount",
        "iType",
        "pCount",
        "pType",
        "srno",
        "sysid",
        "ts",
        "pidData",
        "qScore",
        "nmPoints",
        "rdsVer",
    ];
    want.sort_unstable();
    assert_eq!(keys, want);
    assert!(map.values().all(|v| v.is_string()));
    assert_eq!(map["srno"], "3567278");
    assert_eq!(map["ci"], "20221021");
    assert_eq!(map["qScore"], "71");
    assert_eq!(map["sessionKey"], p.skey.value.as_str());
}

// ------------------------------------------------------------------ the vendor fixtures

#[test]
fn every_vendor_fixture_parses_and_every_error_is_typed() {
    assert!(VENDORS.len() >= 5);
    for v in VENDORS {
        let ok = rd::parse_pid(v.pid_ok.as_bytes()).unwrap_or_else(|e| panic!("{}: {e}", v.id));
        assert!(!ok.srno().is_empty(), "{}", v.id);
        assert!(!ok.ts().is_empty(), "{}", v.id);
        assert!(ok.q_score().is_some(), "{}", v.id);
        assert!(!ok.skey.value.contains(char::is_whitespace), "{}", v.id);
        assert!(rd::parse_mc(&ok.device_info.mc).is_ok(), "{}", v.id);
        let info = rd::parse_rdservice(v.rdservice.as_bytes()).unwrap();
        assert_eq!(info.status, RdStatus::Ready);
        assert!(info.capture_path.starts_with('/') && !info.capture_path.contains(':'));
        let di = rd::parse_device_info(v.deviceinfo.as_bytes()).unwrap();
        assert_eq!(di.device_info.mi, ok.device_info.mi, "{}", v.id);
        for code in [700u16, 710, 720, 730, 999] {
            let doc = v.errors.iter().find(|(c, _)| *c == code).unwrap().1;
            match rd::parse_pid(doc.as_bytes()) {
                Err(PidError::Capture(f)) => {
                    assert_eq!(f.code_number(), Some(code), "{}", v.id);
                    assert!(!f.sentence.is_empty());
                }
                other => panic!("{} {code}: {other:?}", v.id),
            }
        }
    }
}

// ------------------------------------------------------------------ hostile documents

#[test]
fn every_truncation_of_a_real_sample_is_an_error_not_a_panic() {
    let doc = real("startek_fm220u_pid.xml");
    for cut in 0..doc.len() - 1 {
        let r = rd::parse_pid(&doc[..cut]);
        assert!(r.is_err(), "cut at {cut} parsed");
    }
}

#[test]
fn garbage_oversize_and_wrong_types() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(rd::parse_pid(&garbage).is_err());
    assert!(rd::parse_pid(b"").is_err());
    assert!(rd::parse_pid(b"{\"json\": true}").is_err());
    assert!(matches!(
        rd::parse_pid(b"<html><body>404</body></html>"),
        Err(PidError::NotPidData(_))
    ));

    let mut big = b"<PidData><Resp errCode=\"0\"/><Data>".to_vec();
    big.resize(10 * 1024 * 1024, b'A');
    big.extend_from_slice(b"</Data></PidData>");
    let err = rd::parse_pid(&big).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");

    assert!(matches!(
        rd::parse_pid(b"<PidData><Resp errCode=\"abc\"/></PidData>"),
        Err(PidError::BadErrCode(_))
    ));
    assert!(matches!(
        rd::parse_pid(b"<PidData><DeviceInfo/></PidData>"),
        Err(PidError::Missing("Resp"))
    ));
    assert!(matches!(
        rd::parse_pid(b"<PidData><Resp/></PidData>"),
        Err(PidError::NoErrCode)
    ));
    let no_data = br#"<PidData><Resp errCode="0"/><DeviceInfo/><Skey ci="1">a</Skey><Hmac>b</Hmac></PidData>"#;
    assert!(matches!(
        rd::parse_pid(no_data),
        Err(PidError::Missing("Data"))
    ));
    // A numeric field that is not a number stays a string; its typed accessor says None.
    let odd = br#"<PidData><Resp errCode="0" qScore="high" nmPoints="-3"/><DeviceInfo/><Skey ci="x">a</Skey><Hmac>b</Hmac><Data type="X">c</Data></PidData>"#;
    let p = rd::parse_pid(odd).unwrap();
    assert_eq!(p.resp.q_score, "high");
    assert_eq!(p.q_score(), None);
    assert_eq!(p.nm_points(), None);
    // Element-level text where attributes are expected is ignored, not a crash.
    assert!(rd::parse_pid(b"<PidData><Resp>0</Resp></PidData>").is_err());
    // A DOCTYPE with an entity is not expanded.
    let bomb = br#"<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><PidData><Resp errCode="0" errInfo="&a;"/></PidData>"#;
    assert!(rd::parse_pid(bomb).is_err());
}

#[test]
fn errors_and_debug_never_carry_the_crypto_fields() {
    let doc = real("mantra_mfs100_pid.xml");
    let p = rd::parse_pid(&doc).unwrap();
    let secrets = [
        p.skey.value.clone(),
        p.hmac.clone(),
        p.data.value[..40].to_string(),
    ];
    let mut texts = vec![
        format!("{p:?}"),
        format!("{:?}", BiometricData::from_pid(&p)),
    ];
    // Break the document in many ways and collect every error message.
    let text = String::from_utf8(doc.clone()).unwrap();
    for broken in [
        text.replace("</Skey>", "</Skeys>"),
        text.replace("errCode=\"0\"", "errCode=\"720\""),
        text.replace("errCode=\"0\"", "errCode=\"zero\""),
        text.replace("<Hmac>", "<Hmac><![CDATA["),
        text[..text.len() - 300].to_string(),
        text.replace("<Data type=\"X\">", "<Data type=\"X\">&bogus;"),
    ] {
        if let Err(e) = rd::parse_pid(broken.as_bytes()) {
            texts.push(e.to_string());
            texts.push(format!("{e:?}"));
        }
    }
    assert!(texts.len() > 6);
    for t in &texts {
        for s in &secrets {
            assert!(!t.contains(s.as_str()), "leaked in: {t}");
        }
    }
}
