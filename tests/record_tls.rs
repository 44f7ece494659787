//! `rollsim record` over https: a small TLS server (python3's `http.server` wrapped in
//! `ssl`) on 127.0.0.1 with a certificate signed by a throwaway CA made with `openssl`.
//! Without `--ca-file` the certificate is refused; with it, or with
//! `--insecure-skip-verify`, the recording succeeds. Prints `SKIPPED:` when `openssl` or
//! `python3` is missing.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const SERVER: &str = r#"
import http.server, json, ssl, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        query, t = q.get("query", [""])[0], float(q.get("time", ["0"])[0])
        if query.startswith("count_over_time("):
            data = {"resultType": "vector", "result": [{"metric": {"job": "a"}, "value": [t, "2"]}]}
        else:
            data = {"resultType": "matrix", "result": [{"metric": {"__name__": "up", "job": "a"},
                    "values": [[t - 15, "1"], [t, "1"]]}]}
        body = json.dumps({"status": "success", "data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
for _ in range(20):
    srv.handle_request()
"#;

/// The TLS server, killed by PID on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(name)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success())
}

fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A CA (`ca.pem`) and a certificate for 127.0.0.1 signed by it (`leaf.pem`, `leaf.key`).
fn make_certificates(dir: &Path) {
    let days = "2";
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            days,
            "-subj",
            "/CN=rollsim test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            days,
            "-extfile",
            "leaf.ext",
        ],
    );
}

fn start_server(dir: &Path) -> (Server, String) {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SERVER)
        .arg(dir.join("leaf.pem"))
        .arg(dir.join("leaf.key"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("the port");
    let port: u16 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("bad port line {line:?}"));
    (Server(child), format!("https://127.0.0.1:{port}"))
}

fn record(url: &str, dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rollsim"))
        .args([
            "record",
            "--prometheus",
            url,
            "--query",
            "up",
            "--start",
            "600",
            "--end",
            "660",
        ])
        .args(["--retries", "0", "--out"])
        .arg(dir.join(out))
        .args(extra)
        .output()
        .expect("run rollsim")
}

#[test]
fn https_with_a_custom_ca() {
    if !tool("openssl") || !tool("python3") {
        let _ = writeln!(
            std::io::stderr(),
            "\nSKIPPED: record over https needs openssl and python3\n"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    make_certificates(dir.path());
    let (_server, url) = start_server(dir.path());

    let o = record(&url, dir.path(), "untrusted.om", &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.to_lowercase().contains("certificate") || err.contains("UnknownIssuer"),
        "{err}"
    );
    assert!(!dir.path().join("untrusted.om").exists());

    let ca = dir.path().join("ca.pem");
    let o = record(
        &url,
        dir.path(),
        "trusted.om",
        &["--ca-file", ca.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(dir.path().join("trusted.om")).unwrap();
    assert!(
        text.contains("up{job=\"a\"} 1 660\n") && text.ends_with("# EOF\n"),
        "{text}"
    );

    let o = record(&url, dir.path(), "insecure.om", &["--insecure-skip-verify"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let o = record(
        &url,
        dir.path(),
        "bad-ca.om",
        &["--ca-file", dir.path().join("leaf.ext").to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--ca-file: no PEM certificate found"));
}
