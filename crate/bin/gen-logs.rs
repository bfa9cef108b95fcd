//! Writes large, realistic, deterministic logs for the benchmark (`scripts/bench.sh`): an MSI verbose log in
//! UTF-16LE and its UTF-8 twin, a CBS.log and a Windows 10 WindowsUpdate.log, each with a real failure near
//! the end, and on request one very large log for the memory check. Files are streamed to disk line by line,
//! so a 1 GB log takes no more memory than a 100 KB one.
//!
//! With `--from FILE` it writes instead two logs of real content: FILE (a UTF-16LE log with a BOM, such as the
//! corpus's largest MSI log) repeated to about N MB behind one BOM, with a three-line failure at the end, and
//! its UTF-8 twin (the same text, half the bytes). Real logs have more lines that readers stop on than the
//! generated ones.
//!
//! usage: gen-logs DIR [--mb N] [--big-mb N] [--from FILE]
//!   --mb N       size of the MSI UTF-16 log, the CBS.log and the WindowsUpdate.log (default 100)
//!   --big-mb N   also write big-msi-utf16.log of about N MB (the memory check uses 1024)
//!   --from FILE  write only real-msi-utf16.log and real-msi-utf8.log, made of FILE, of about N MB

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A small deterministic generator (xorshift64*): the same files on every run and machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn hex(&mut self, digits: usize) -> String {
        let mut s = String::with_capacity(digits);
        while s.len() < digits {
            s.push_str(&format!("{:016X}", self.next()));
        }
        s.truncate(digits);
        s
    }
    fn guid(&mut self) -> String {
        let h = self.hex(32);
        format!(
            "{}-{}-{}-{}-{}",
            &h[..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..]
        )
    }
}

/// Where lines go: UTF-8 or UTF-16LE (with BOM), CR LF line ends as Windows writes them.
struct Sink {
    out: BufWriter<File>,
    utf16: bool,
    written: u64,
    units: Vec<u8>,
}

impl Sink {
    fn create(path: &Path, utf16: bool) -> io::Result<Sink> {
        let mut sink = Sink {
            out: BufWriter::with_capacity(1 << 20, File::create(path)?),
            utf16,
            written: 0,
            units: Vec::new(),
        };
        if utf16 {
            sink.out.write_all(&[0xFF, 0xFE])?;
            sink.written += 2;
        }
        Ok(sink)
    }

    fn line(&mut self, s: &str) -> io::Result<()> {
        if self.utf16 {
            self.units.clear();
            for u in s.encode_utf16().chain("\r\n".encode_utf16()) {
                self.units.extend_from_slice(&u.to_le_bytes());
            }
            self.out.write_all(&self.units)?;
            self.written += self.units.len() as u64;
        } else {
            self.out.write_all(s.as_bytes())?;
            self.out.write_all(b"\r\n")?;
            self.written += s.len() as u64 + 2;
        }
        Ok(())
    }

    fn finish(mut self) -> io::Result<u64> {
        self.out.flush()?;
        Ok(self.written)
    }
}

/// A clock for timestamps that moves a little with every line.
struct Clock {
    ms: u64,
}

impl Clock {
    fn tick(&mut self, rng: &mut Rng) -> (u64, u64, u64, u64) {
        self.ms += rng.below(40);
        let s = self.ms / 1000;
        ((13 + s / 3600) % 24, (s / 60) % 60, s % 60, self.ms % 1000)
    }
    fn msi(&mut self, rng: &mut Rng) -> String {
        let (h, m, s, ms) = self.tick(rng);
        format!("{h:02}:{m:02}:{s:02}:{ms:03}")
    }
    fn hms(&mut self, rng: &mut Rng) -> String {
        let (h, m, s, _) = self.tick(rng);
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// Writes the same MSI verbose log to every sink; `target` is the size of the first sink.
fn msi_log(sinks: &mut [Sink], target: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed);
    let mut clock = Clock { ms: 3000 };
    let emit = |sinks: &mut [Sink], s: &str| -> io::Result<()> {
        for sink in sinks.iter_mut() {
            sink.line(s)?;
        }
        Ok(())
    };
    let product = "Contoso Endpoint Agent";
    emit(
        sinks,
        "=== Verbose logging started: 11/20/2026  13:00:03  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\WINDOWS\\system32\\msiexec.exe ===",
    )?;
    let c = clock.msi(&mut rng);
    for l in [
        format!("MSI (c) (7C:58) [{c}]: Resetting cached policy values"),
        format!("MSI (c) (7C:58) [{c}]: Machine policy value 'Debug' is 0"),
        format!("MSI (c) (7C:58) [{c}]: ******* RunEngine:"),
        "           ******* Product: C:\\Users\\alex\\Downloads\\ContosoAgent-4.2.0-x64.msi".into(),
        "           ******* Action: ".into(),
        "           ******* CommandLine: **********".into(),
        format!("MSI (c) (7C:58) [{c}]: Machine policy value 'DisableUserInstalls' is 0"),
        format!(
            "MSI (c) (7C:58) [{c}]: SOFTWARE RESTRICTION POLICY: Verifying package --> 'C:\\Users\\alex\\Downloads\\ContosoAgent-4.2.0-x64.msi' against software restriction policy"
        ),
        format!(
            "MSI (s) (84:F4) [{c}]: Running installation inside multi-package transaction C:\\Users\\alex\\Downloads\\ContosoAgent-4.2.0-x64.msi"
        ),
        "Property(S): ProductName = Contoso Endpoint Agent".into(),
        "Property(S): ProductVersion = 4.2.0".into(),
        "Property(S): VersionNT = 603".into(),
        "Property(S): WindowsBuild = 9600".into(),
    ] {
        emit(sinks, &l)?;
    }
    // The tail (failure, rollback, summary) is about 30 KB; stop the body short of it.
    let body_end = target.saturating_sub(64 * 1024);
    let mut action = 0u64;
    let mut file = 0u64;
    while sinks[0].written < body_end {
        action += 1;
        let name = format!("ContosoAction{action:05}");
        let t = clock.hms(&mut rng);
        let c = clock.msi(&mut rng);
        emit(
            sinks,
            &format!("MSI (s) (84:F4) [{c}]: Doing action: {name}"),
        )?;
        emit(sinks, &format!("Action start {t}: {name}."))?;
        for _ in 0..20 + rng.below(60) {
            file += 1;
            let c = clock.msi(&mut rng);
            let line = match rng.below(12) {
                0 => format!(
                    "MSI (s) (84:F4) [{c}]: Executing op: FileCopy(SourceName=cea{file:06}.dll,SourceCabKey=File{file:06},DestName=cea{file:06}.dll,Attributes=512,FileSize={},PerTick=65536,,VerifyMedia=1,,,,,CheckCRC=0,,,InstallMode=58982400,HashOptions=0,HashPart1={},HashPart2={},HashPart3={},HashPart4={},,)",
                    rng.below(9_000_000),
                    rng.next() as i32,
                    rng.next() as i32,
                    rng.next() as i32,
                    rng.next() as i32
                ),
                1 => format!(
                    "MSI (s) (84:F4) [{c}]: File: C:\\Program Files\\Contoso\\Agent\\bin\\cea{file:06}.dll;\tTo be installed;\tWon't patch;\tNo existing file"
                ),
                2 => {
                    format!("MSI (s) (84:F4) [{c}]: Source for file 'File{file:06}' is compressed")
                }
                3 => format!(
                    "MSI (s) (84:F4) [{c}]: Component: Comp{file:06}; Installed: Absent;   Request: Local;   Action: Local"
                ),
                4 => format!("MSI (s) (84:F4) [{c}]: Note: 1: 2262 2: Error 3: -2147287038 "),
                5 => format!(
                    "MSI (s) (84:F4) [{c}]: Executing op: RegAddValue(Name=Version{file},Value=4.2.0.{},)",
                    rng.below(9999)
                ),
                6 => format!(
                    "MSI (s) (84:F4) [{c}]: Executing op: SetTargetFolder(Folder=C:\\WINDOWS\\system32\\drivers\\Contoso\\)"
                ),
                7 => format!(
                    "MSI (c) (7C:2C) [{c}]: Font created.  Charset: Req=0, Ret=0, Font: Req=MS Shell Dlg, Ret=MS Shell Dlg"
                ),
                8 => String::new(),
                9 => format!(
                    "MSI (s) (84:F4) [{c}]: Executing op: ComponentRegister(ComponentId={{{}}},KeyPath=C:\\Program Files\\Contoso\\Agent\\bin\\cea{file:06}.dll,State=3,,Disk=1,SharedDllRefCount=0,BinaryType=1)",
                    rng.guid()
                ),
                10 => format!("MSI (s) (84:F4) [{c}]: Note: 1: 2205 2:  3: Font "),
                _ => format!("Property(S): CONTOSO_OPTION_{file:06} = {}", rng.hex(12)),
            };
            emit(sinks, &line)?;
        }
        let t = clock.hms(&mut rng);
        emit(sinks, &format!("Action ended {t}: {name}. Return value 1."))?;
    }
    // The failure: a service that cannot start, inside InstallFinalize.
    let t = clock.hms(&mut rng);
    let c = clock.msi(&mut rng);
    emit(
        sinks,
        &format!("MSI (s) (84:F4) [{c}]: Doing action: InstallFinalize"),
    )?;
    emit(sinks, &format!("Action start {t}: InstallFinalize."))?;
    for i in 0..80 {
        let c = clock.msi(&mut rng);
        emit(
            sinks,
            &format!(
                "MSI (s) (84:F4) [{c}]: Executing op: ServiceControl(,Name=ContosoHelper{i},Action=1,Wait=1,)"
            ),
        )?;
    }
    let c = clock.msi(&mut rng);
    for l in [
        format!("MSI (s) (84:F4) [{c}]: Executing op: ServiceControl(,Name=ContosoAgent,Action=1,Wait=1,)"),
        format!("MSI (s) (84:F4) [{c}]: Note: 1: 2262 2: Error 3: -2147287038 "),
        format!("MSI (c) (7C:2C) [{c}]: Font created.  Charset: Req=0, Ret=0, Font: Req=MS Shell Dlg, Ret=MS Shell Dlg"),
        String::new(),
        "Error 1920. Service 'Contoso Endpoint Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services.".into(),
        format!("MSI (s) (84:F4) [{c}]: Product: {product} -- Error 1920. Service 'Contoso Endpoint Agent' (ContosoAgent) failed to start.  Verify that you have sufficient privileges to start system services."),
        String::new(),
        format!("Action ended {}: InstallFinalize. Return value 3.", clock.hms(&mut rng)),
        format!("MSI (s) (84:F4) [{c}]: User policy value 'DisableRollback' is 0"),
        format!("MSI (s) (84:F4) [{c}]: Machine policy value 'DisableRollback' is 0"),
    ] {
        emit(sinks, &l)?;
    }
    for i in 0..200 {
        let c = clock.msi(&mut rng);
        emit(
            sinks,
            &format!("MSI (s) (84:F4) [{c}]: Executing op: FileRemove(,FileName=cea{i:06}.dll,,)"),
        )?;
    }
    let c = clock.msi(&mut rng);
    for l in [
        format!("MSI (s) (84:F4) [{c}]: Product: {product} -- Installation operation failed."),
        format!(
            "MSI (s) (84:F4) [{c}]: Windows Installer installed the product. Product Name: {product}. Product Version: 4.2.0. Product Language: 1033. Manufacturer: Contoso Ltd.. Installation success or error status: 1603."
        ),
        format!("MSI (s) (84:F4) [{c}]: MainEngineThread is returning 1603"),
        format!("MSI (c) (7C:58) [{c}]: Back from server. Return value: 1603"),
        format!("MSI (c) (7C:58) [{c}]: MainEngineThread is returning 1603"),
        "=== Verbose logging stopped: 11/20/2026  14:02:11 ===".into(),
    ] {
        emit(sinks, &l)?;
    }
    Ok(())
}

/// A CBS.log of routine servicing with an installer failure (0x800f0922) near the end.
fn cbs_log(sink: &mut Sink, target: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed);
    let mut clock = Clock { ms: 0 };
    let body_end = target.saturating_sub(16 * 1024);
    let stamp = |clock: &mut Clock, rng: &mut Rng| format!("2026-11-20 {}", clock.hms(rng));
    while sink.written < body_end {
        let d = stamp(&mut clock, &mut rng);
        let line = match rng.below(8) {
            0 => format!(
                "{d}, Info                  CBS    Read out cached package applicability for package: Package_for_RollupFix~31bf3856ad364e35~amd64~~19041.{}.1.10, ApplicableState: 112, CurrentState:112",
                3000 + rng.below(900)
            ),
            1 => format!(
                "{d}, Info                  CSI    {:08x} [SR] Verifying 100 components",
                rng.below(1 << 31)
            ),
            2 => format!(
                "{d}, Info                  CBS    Appl: detect Parent, Package: Microsoft-Windows-Client-Features-Package0{}~31bf3856ad364e35~amd64~~10.0.19041.{}, Parent: Microsoft-Windows-Client-Features-Package~31bf3856ad364e35~amd64~~10.0.19041.{}, Disposition = Detect, VersionComp: EQ, ServiceComp: GE, BuildComp: GE, DistributionComp: GE, RevisionComp: GE, Exist: present",
                rng.below(10),
                rng.below(4000),
                rng.below(4000)
            ),
            3 => format!(
                "{d}, Info                  CBS    Lock: New lock added: CCbsPublicSessionClassFactory, level: 30, total lock:{}",
                rng.below(12)
            ),
            4 => format!(
                "{d}, Info                  CSI    {:08x} Hashes for file member [l:{}]'amd64_microsoft-windows-{}.manifest' do not match. (benign)",
                rng.below(1 << 31),
                40 + rng.below(40),
                rng.hex(10).to_lowercase()
            ),
            5 => format!(
                "{d}, Info                  CBS    Exec: Processing started.  Client: WindowsUpdateAgent, Session: 31091234_{}, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Rollback: 0",
                rng.below(1_000_000)
            ),
            6 => format!(
                "{d}, Info                  CBS    Plan: Package: Package_{}_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Update: {}, current: Installed, pending: Default, start: Installed, applicable: Installed, targeted: Installed, limit: Installed",
                rng.below(3000),
                rng.hex(8)
            ),
            _ => format!(
                "{d}, Info                  CBS    Session: 31091234_{} initialized by client WindowsUpdateAgent, external staging directory: (null), external registry directory: (null)",
                rng.below(1_000_000)
            ),
        };
        sink.line(&line)?;
    }
    for l in [
        "Info                  CBS    Exec: Installing Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7, Update: WinRE-SafeOS",
        "Error                 CBS    Failed to get WinRE partition information. [HRESULT = 0x80070490 - ERROR_NOT_FOUND]",
        "Error                 CBS    Startup: Failed to process advanced operation queue, startupPhase: 0.  A rollback transaction will be created. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]",
        "Info                  CBS    Exec: Processing complete.  Session: 31091234_99, Package: Package_for_KB5034441~31bf3856ad364e35~amd64~~19041.3920.1.7 [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]",
        "Error                 CBS    Failed to execute execution package. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]",
        "Info                  CBS    Reboot mark cleared",
        "Info                  CBS    Winlogon: Simplifying Winlogon CreateSession notifications",
    ] {
        let d = stamp(&mut clock, &mut rng);
        sink.line(&format!("{d}, {l}"))?;
    }
    Ok(())
}

/// A Windows 10 WindowsUpdate.log (decoded from ETL) where a .NET update fails with 0x80070643.
fn wu_log(sink: &mut Sink, target: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed);
    let mut clock = Clock { ms: 0 };
    let body_end = target.saturating_sub(16 * 1024);
    let stamp = |clock: &mut Clock, rng: &mut Rng| {
        let (h, m, s, ms) = clock.tick(rng);
        format!(
            "2026-11-20 {h:02}:{m:02}:{s:02}.{ms:03}{:04}",
            rng.below(10_000)
        )
    };
    while sink.written < body_end {
        let d = stamp(&mut clock, &mut rng);
        let line = match rng.below(8) {
            0 => format!(
                "{d} 1980  8444  DownloadManager PurgeContentForPatchUpdate::Deleting update content at C:\\WINDOWS\\SoftwareDistribution\\Download\\{}.",
                rng.hex(32).to_lowercase()
            ),
            1 => format!(
                "{d} 1980  4940  Agent           AddEventGroup: Adding non-pending event for update id {}.200",
                rng.guid()
            ),
            2 => format!(
                "{d} 1980  8444  SLS             path used for cache lookup: /SLS/{{{}}}/x64/10.0.19045.3803/0?CH=726&L=en-US&P=&PT=0x30&WUA=1216.2402.13012.0",
                rng.guid()
            ),
            3 => format!(
                "{d} 1980  8444  SLS             Get response for service {} - forceExpire[False] asyncRefreshOnExpiry[False]",
                rng.guid()
            ),
            4 => format!(
                "{d} 1980  8444  DownloadManager Download job {} resumed.",
                rng.guid()
            ),
            5 => format!(
                "{d} 1980  8444  Misc            Set CDN prefix to {}",
                rng.hex(2)
            ),
            6 => format!(
                "{d} 1980  4940  Deployment      Deployment job Id {} : Installing starting for update {}.200, deployable update count = 1",
                rng.guid(),
                rng.guid().to_lowercase()
            ),
            _ => format!(
                "{d} 1980  8444  IdleTimer       WU operation (CSearchCall::Init ID {}) started; operation # {}; does use network; is not at background priority",
                rng.below(1000),
                rng.below(100_000)
            ),
        };
        sink.line(&line)?;
    }
    for l in [
        "1980  4940  Agent           Installing updates CallerId = UpdateOrchestrator  Id = 12",
        "1980  4940  Handler         Starting install of update 2026-11 Security Update for Microsoft .NET Framework 3.5 and 4.8 for Windows 10 Version 22H2 for x64 (KB5034275)",
        "1980  4940  Handler         Failed to install update: error 0x80070643",
        "1980  4940  Deployment      Update 2026-11 Security Update for Microsoft .NET Framework 3.5 and 4.8 for Windows 10 Version 22H2 for x64 (KB5034275) failed. Result: 0x80070643",
        "1980  4940  ComApi          * END *   Install ClientId = UpdateOrchestrator Updates = 1 (Succeeded = 0, Failed = 1) 0x80070643",
    ] {
        let d = stamp(&mut clock, &mut rng);
        sink.line(&format!("{d} {l}"))?;
    }
    Ok(())
}

fn run() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut mb = 100u64;
    let mut big_mb: Option<u64> = None;
    let mut from: Option<PathBuf> = None;
    let number = |v: Option<String>| -> io::Result<u64> {
        v.and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::other("--mb and --big-mb want a number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--mb" => mb = number(args.next())?,
            "--big-mb" => big_mb = Some(number(args.next())?),
            "--from" => from = args.next().map(PathBuf::from),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            other => return Err(io::Error::other(format!("unexpected argument {other}"))),
        }
    }
    let dir = dir.ok_or_else(|| {
        io::Error::other("usage: gen-logs DIR [--mb N] [--big-mb N] [--from FILE]")
    })?;
    std::fs::create_dir_all(&dir)?;
    let mb_bytes = mb << 20;
    if let Some(from) = from {
        return real_logs(&dir, &from, mb_bytes);
    }

    let mut msi = [
        Sink::create(&dir.join("msi-utf16.log"), true)?,
        Sink::create(&dir.join("msi-utf8.log"), false)?,
    ];
    msi_log(&mut msi, mb_bytes, 0x5EED_0001)?;
    let [a, b] = msi;
    report(&dir.join("msi-utf16.log"), a.finish()?);
    report(&dir.join("msi-utf8.log"), b.finish()?);

    let mut cbs = Sink::create(&dir.join("CBS.log"), false)?;
    cbs_log(&mut cbs, mb_bytes, 0x5EED_0002)?;
    report(&dir.join("CBS.log"), cbs.finish()?);

    let mut wu = Sink::create(&dir.join("WindowsUpdate.log"), false)?;
    wu_log(&mut wu, mb_bytes, 0x5EED_0003)?;
    report(&dir.join("WindowsUpdate.log"), wu.finish()?);

    if let Some(big) = big_mb {
        let path = dir.join("big-msi-utf16.log");
        let mut sinks = [Sink::create(&path, true)?];
        msi_log(&mut sinks, big << 20, 0x5EED_0004)?;
        let [s] = sinks;
        report(&path, s.finish()?);
    }
    Ok(())
}

/// The failure the real-content logs end with: the product's failure, the top action returning 3 and the final
/// status, as Windows Installer writes them.
const REAL_FAILURE: &[&str] = &[
    "MSI (s) (A4:B8) [10:11:12:123]: Product: Test -- Installation failed.",
    "Action ended 10:11:12: INSTALL. Return value 3.",
    "MSI (s) (A4:B8) [10:11:12:123]: Windows Installer installed the product. Product Name: X. Product Version: 1. \
     Product Language: 1033. Manufacturer: Y. Installation success or error status: 1603.",
];

/// Writes `real-msi-utf16.log` (the body of `from`, a UTF-16LE file with a BOM, repeated until the file holds
/// `bytes`, behind one BOM, then [`REAL_FAILURE`]) and `real-msi-utf8.log`, the same text in UTF-8.
fn real_logs(dir: &Path, from: &Path, bytes: u64) -> io::Result<()> {
    let data = std::fs::read(from)?;
    let body = data.strip_prefix(&[0xFF, 0xFE]).ok_or_else(|| {
        io::Error::other(format!("{} is not UTF-16LE with a BOM", from.display()))
    })?;
    let units: Vec<u16> = (body.chunks_exact(2))
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let text = String::from_utf16_lossy(&units);
    if text.is_empty() {
        return Err(io::Error::other(format!(
            "{} holds no text",
            from.display()
        )));
    }
    let mut tail = String::new();
    if !text.ends_with('\n') {
        tail.push_str("\r\n");
    }
    for line in REAL_FAILURE {
        tail.push_str(line);
        tail.push_str("\r\n");
    }
    let times = bytes.div_ceil(body.len() as u64).max(1);
    for (name, utf16) in [("real-msi-utf16.log", true), ("real-msi-utf8.log", false)] {
        let path = dir.join(name);
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path)?);
        let encode = |s: &str| -> Vec<u8> {
            if utf16 {
                s.encode_utf16().flat_map(u16::to_le_bytes).collect()
            } else {
                s.as_bytes().to_vec()
            }
        };
        let (body, tail) = (encode(&text), encode(&tail));
        let mut written = 0u64;
        if utf16 {
            out.write_all(&[0xFF, 0xFE])?;
            written += 2;
        }
        for _ in 0..times {
            out.write_all(&body)?;
            written += body.len() as u64;
        }
        out.write_all(&tail)?;
        out.flush()?;
        report(&path, written + tail.len() as u64);
    }
    Ok(())
}

fn report(path: &Path, bytes: u64) {
    eprintln!(
        "wrote {} ({:.1} MB)",
        path.display(),
        bytes as f64 / 1048576.0
    );
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-logs: {e}");
            ExitCode::from(2)
        }
    }
}
