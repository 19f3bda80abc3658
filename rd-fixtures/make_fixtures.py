#!/usr/bin/env python3
"""Regenerate the modelled vendor fixtures in rd-fixtures/.

The crypto fields (Skey, Hmac, Data) are random bytes in base64: opaque, never anyone's
biometrics. `mc` is a throwaway self-signed certificate made here with openssl, so expiry
parsing has something real to read. Layouts follow each vendor's published replies (see
SOURCES.md). Run from the repository root: python3 rd-fixtures/make_fixtures.py
"""
import base64, os, random, subprocess, tempfile, pathlib

ROOT = pathlib.Path(__file__).resolve().parent
rng = random.Random(20261122)


def b64(n):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(n))).decode()


def cert(cn, org, days):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "c.der")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", os.path.join(d, "k"),
             "-subj", f"/CN={cn}/O={org}/C=IN", "-days", str(days), "-outform", "DER", "-out", out],
            check=True, capture_output=True)
        return base64.b64encode(open(out, "rb").read()).decode()


def wrap(s, width=64, indent=""):
    return "\n".join(indent + s[i:i + width] for i in range(0, len(s), width))


def write(vendor, name, text):
    p = ROOT / vendor / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


# ---------------------------------------------------------------- Mantra MFS100 (HTTP, Windows)
def mantra_mfs100():
    v = "mantra-mfs100"
    mc = cert("Mantra Softech India Pvt Ltd FIXTURE", "MSIPL", 730)
    dev = dict(dpId="MANTRA.MSIPL", rdsId="MANTRA.WIN.001", rdsVer="1.0.8", mi="MFS100",
               dc="0f2b8a3e-7c41-4d52-9a6e-3b1d5c7e9f01")
    write(v, "rdservice.xml", '<?xml version="1.0"?>\n<RDService status="READY" info="Mantra Authentication Vendor Device Manager">\n    <Interface id="DEVICEINFO" path="/rd/info" />\n    <Interface id="CAPTURE" path="/rd/capture" />\n</RDService>\n')
    params = ('        <additional_info>\n            <Param name="srno" value="2990123" />\n'
              '            <Param name="sysid" value="1A2B3C4D5E6F70819AB0" />\n'
              '            <Param name="ts" value="2026-11-22T09:15:02+05:30" />\n        </additional_info>\n')
    di = f'dpId="{dev["dpId"]}" rdsId="{dev["rdsId"]}" rdsVer="{dev["rdsVer"]}" mi="{dev["mi"]}" mc="{mc}" dc="{dev["dc"]}"'
    write(v, "deviceinfo.xml", f'<?xml version="1.0"?>\n<DeviceInfo {di}>\n{params.replace("        ", "    ", 1)}</DeviceInfo>\n')
    write(v, "pid_ok.xml", f'<?xml version="1.0"?>\n<PidData>\n    <Resp errCode="0" errInfo="Success" fCount="1" fType="2" nmPoints="41" qScore="74" />\n'
          f'    <DeviceInfo {di}>\n{params}    </DeviceInfo>\n    <Skey ci="20291021">{b64(256)}</Skey>\n'
          f'    <Hmac>{b64(48)}</Hmac>\n    <Data type="X">{b64(1200)}</Data>\n</PidData>\n')
    infos = {700: "Capture timed out", 710: "Device is being used by another application",
             720: "Device not ready", 730: "Capture Failed", 999: "Internal error"}
    for code, info in infos.items():
        write(v, f"err_{code}.xml", f'<?xml version="1.0"?>\n<PidData>\n    <Resp errCode="{code}" errInfo="{info}" fCount="0" fType="0" nmPoints="0" qScore="0" />\n'
              '    <DeviceInfo />\n    <Skey ci="" />\n    <Hmac />\n    <Data type="X" />\n</PidData>\n')


# ------------------------------------------------------ Mantra MFS110 L1 (HTTPS, newer service)
def mantra_mfs110_l1():
    v = "mantra-mfs110-l1"
    mc = cert("Mantra Softech India Pvt Ltd L1 FIXTURE", "MSIPL", 1095)
    write(v, "rdservice.xml", '<?xml version="1.0"?>\n<RDService status="READY" info="Mantra Authentication Vendor Device Manager L1">\n  <Interface id="DEVICEINFO" path="/rd/info" />\n  <Interface id="CAPTURE" path="/rd/capture" />\n</RDService>\n')
    di = ('    dpId="MANTRA.MSIPL" \n    rdsId="RENESAS.MANTRA.001" \n    rdsVer="1.4.1" \n    mi="MFS110" \n'
          f'    mc="{mc}" \n    dc="6d1e4c2a-93b7-4f08-a5d1-0c8e7b2f4a16"')
    params = ('    <additional_info>\n      <Param name="srno" value="8199001" />\n      <Param name="sysid" value="7B4E2A91C0D35F68AE10" />\n'
              '      <Param name="ts" value="2026-11-22T09:16:40+05:30" />\n      <Param name="modality_type" value="Finger" />\n'
              '      <Param name="device_type" value="L1" />\n    </additional_info>\n')
    write(v, "deviceinfo.xml", f'<?xml version="1.0"?>\n<DeviceInfo \n{di}>\n{params}</DeviceInfo>\n')
    write(v, "pid_ok.xml", '<?xml version="1.0"?>\n<PidData>\n  <Resp \n    errCode="0" \n    errInfo="Success." \n    fCount="1" \n    fType="2" \n'
          '    nmPoints="38" \n    qScore="66" />\n  \n  <DeviceInfo \n' + di.replace("\n    ", "\n    ") + '>\n' + params.replace("    <", "    <", 1) +
          f'  </DeviceInfo>\n  \n  <Skey ci="20280813">{b64(256)}</Skey>\n  <Hmac>{b64(48)}</Hmac>\n  <Data type="X">{b64(1400)}</Data>\n</PidData>\n')
    infos = {700: "Capture timed out.", 710: "Device is being used by another application.",
             720: "Device not ready.", 730: "Capture Failed.", 999: "Device not registered. Please register the device."}
    for code, info in infos.items():
        write(v, f"err_{code}.xml", f'<?xml version="1.0"?>\n<PidData>\n  <Resp \n    errCode="{code}" \n    errInfo="{info}" \n    fCount="0" \n    fType="0" \n    nmPoints="0" \n    qScore="0" />\n</PidData>\n')


# ------------------------------------------------ Startek FM220U (ACPL, one line, namespaces)
def startek_fm220u():
    v = "startek-fm220u"
    mc = cert("PROD_USER", "USER", 30)
    ns = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    write(v, "rdservice.xml", '<?xml version="1.0"?>\r\n<RDService status="READY" info="Secure ACPL FM220 Registered Device"><Interface id="CAPTURE" path="/rd/capture"/><Interface id="DEVICEINFO" path="/rd/info"/></RDService>')
    di = f'dpId="STARTEK.ACPL" rdsId="ACPL.WIN.001" rdsVer="1.0.3" dc="9c4f0e27-1b6a-4d3e-8f25-7a90c3d1e6b4" mi="FM220U" mc="{mc}" error=""'
    params = ('<additional_info><Param name="srno" value="B4669012" /><Param name="sysid" value="UkRTSU1VTEFUT1JGSVhUVVJFMDAwMQ==" />'
              '<Param name="ts" value="2026-11-22T09:18:05+05:30" /><Param name="DeviceType" value="Open" /><Param name="SupportUpto" value="31-Dec-2099" /></additional_info>')
    write(v, "deviceinfo.xml", f'<?xml version="1.0"?>\r\n<DeviceInfo {ns} {di}>{params}</DeviceInfo>')
    write(v, "pid_ok.xml", f'<?xml version="1.0"?>\r\n<PidData {ns}><Resp fType="2" iCount="0" pCount="0" errCode="0" errInfo="" fCount="1" ts="2026-11-22T09:18:05" nmPoints="31" qScore="82" />'
          f'<DeviceInfo {di}>{params}</DeviceInfo><Skey ci="20291021">{b64(256)}</Skey><Hmac>{b64(48)}</Hmac><Data type="X">{b64(1100)}</Data></PidData>')
    infos = {700: "Capture timed out", 710: "Being used by another application", 720: "Not Connected with FM220",
             730: "Capture stopped or Aborted / Device disconnected", 999: "Your device is not registered, pls register first!!"}
    for code, info in infos.items():
        write(v, f"err_{code}.xml", f'<?xml version="1.0"?>\r\n<PidData {ns}><Resp fType="0" iCount="0" pCount="0" errCode="{code}" errInfo="{info}" fCount="0" ts="2026-11-22T09:18:05" nmPoints="0" qScore="0" />'
              '<DeviceInfo error="" /><Skey ci="" /><Hmac /><Data type="X" /></PidData>')


# ------------------------------------- Morpho MSO1300 E3 (host:port in paths, wrapped values)
def morpho_mso1300_e3():
    v = "morpho-mso1300-e3"
    mc = cert("MORPHO RD FIXTURE", "IDEMIA", 400)
    write(v, "rdservice.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<RDService status="READY" info="Morpho_RD_Service">\n<Interface id="CAPTURE" path="/127.0.0.1:11100/capture" />\n<Interface id="DEVICEINFO" path="/127.0.0.1:11100/getDeviceInfo" />\n</RDService>\n')
    di = f'dpId="MORPHO.SAFRAN" rdsId="SCPL.WIN.001" rdsVer="2.0.0" dc="b8e1d7c4-5f3a-4e29-9d06-2a7c1e8f5b33" mi="MSO1300E3" mc="{mc}"'
    params = ('<additional_info>\n<Param name="srno" value="2316I012345" />\n<Param name="sysid" value="E3F1A2B4C5D6E7F80912" />\n'
              '<Param name="ts" value="2026-11-22T09:20:11+05:30" />\n<Param name="Kernel" value="1.5.1" />\n</additional_info>\n')
    write(v, "deviceinfo.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<DeviceInfo {di}>\n{params}</DeviceInfo>\n')
    write(v, "pid_ok.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<PidData>\n'
          '<Resp errCode="0" errInfo="Capture Success" fCount="1" fType="2" iCount="0" iType="" pCount="0" pType="" nmPoints="35" qScore="78" />\n'
          f'<DeviceInfo {di}>\n{params}</DeviceInfo>\n<Skey ci="20291021">\n{wrap(b64(256), 76)}\n</Skey>\n'
          f'<Hmac>\n{b64(48)}\n</Hmac>\n<Data type="X">\n{wrap(b64(1300), 76)}\n</Data>\n</PidData>\n')
    infos = {700: "Capture Timeout", 710: "Device already in use", 720: "Device not connected",
             730: "Capture aborted", 999: "Device not registered"}
    for code, info in infos.items():
        write(v, f"err_{code}.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<PidData>\n'
              f'<Resp errCode="{code}" errInfo="{info}" fCount="0" fType="0" iCount="0" iType="" pCount="0" pType="" nmPoints="0" qScore="0" />\n</PidData>\n')


# -------------------- SecuGen Hamster Pro 20 (srno on DeviceInfo, no additional_info, Resp@ts)
def secugen_hamster_pro():
    v = "secugen-hamster-pro"
    mc = cert("SecuGen India RD FIXTURE", "SecuGen", 700)
    write(v, "rdservice.xml", '<?xml version="1.0"?>\n<RDService info="SecuGen India Registered device Level 0" status="READY">\n\t<Interface path="/rd/capture" id="CAPTURE"/>\n\t<Interface path="/rd/info" id="DEVICEINFO"/>\n</RDService>\n')
    di = f'mc="{mc}" mi="HU20-A" dc="3a7d9e1f-0b2c-4d5e-8f6a-1c2b3d4e5f60" rdsVer="1.0.4" rdsId="SGI.WIN.001" dpId="SecuGen.SGI" srno="H58200012345"'
    write(v, "deviceinfo.xml", f'<?xml version="1.0"?>\n<DeviceInfo {di}/>\n')
    write(v, "pid_ok.xml", f'<?xml version="1.0"?>\n<PidData>\n\t<Resp qScore="69" nmPoints="44" fType="2" fCount="1" errInfo="Capture Success" errCode="0" ts="2026-11-22T09:22:47+05:30"/>\n'
          f'\t<DeviceInfo {di}/>\n\t<Skey ci="20291021">{b64(256)}</Skey>\n\t<Hmac>{b64(48)}</Hmac>\n\t<Data type="X">{b64(1250)}</Data>\n</PidData>\n')
    infos = {700: "Timeout", 710: "Device busy", 720: "Device not found",
             730: "Capture failed", 999: "Internal error: certificate download pending"}
    for code, info in infos.items():
        write(v, f"err_{code}.xml", f'<?xml version="1.0"?>\n<PidData>\n\t<Resp qScore="0" nmPoints="0" fType="0" fCount="0" errInfo="{info}" errCode="{code}"/>\n</PidData>\n')


for make in (mantra_mfs100, mantra_mfs110_l1, startek_fm220u, morpho_mso1300_e3, secugen_hamster_pro):
    make()
