//! `serve`: after any single-file change, the incremental rebuild writes exactly what a
//! full build writes; a bad edit leaves the served site as it was; the server reloads.

mod common;

use jixiao::serve::Workspace;
use jixiao::site::{BuildOptions, build};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const BASE: &str = "http://127.0.0.1:8000/";

use common::files;

/// Three synthetic books of 40 projects.
fn site() -> tempfile::TempDir {
    common::synth_site(120, 5, 40)
}

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    build(&BuildOptions {
        root: root.to_path_buf(),
        out: out.path().join("public"),
        base_url: Some(BASE.into()),
        progress: false,
        pdf: false,
    })
    .unwrap();
    files(&out.path().join("public"))
}

fn assert_same(served: &Path, root: &Path, what: &str) {
    let a = files(served);
    let b = full_build(root);
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: extra {only_a:?}, missing {only_b:?}"
    );
    for (k, v) in &a {
        assert!(v == &b[k], "{what}: {k} differs from a full build");
    }
}

fn project_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
                && p.components().count() > 3
        })
        .collect();
    v.sort();
    v
}

fn edit(p: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(p).unwrap();
    assert!(s.contains(from), "{} has no {from}", p.display());
    std::fs::write(p, s.replacen(from, to, 1)).unwrap();
}

#[test]
fn incremental_rebuilds_equal_full_builds() {
    let site = site();
    let root = site.path();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let mut ws = Workspace::open(root, &out, Some(BASE.into())).unwrap();
    assert_same(&out, root, "first build");
    let projects = project_files(root);
    let books: Vec<PathBuf> = {
        let mut b: Vec<PathBuf> = std::fs::read_dir(root.join("content"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        b.sort();
        b
    };

    // 1. An indicator value in one project.
    let p = &projects[3];
    edit(p, "value = \"", "value = \"新的指标值：");
    let u = ws.update(std::slice::from_ref(p)).unwrap();
    assert!(!u.full && u.books.len() == 1, "{u:?}");
    assert!(u.written > 0);
    assert_same(&out, root, "indicator edit");

    // 2. The funds of a project in another book.
    let p = projects.iter().rev().nth(2).unwrap();
    edit(p, "total = \"", "total = \"1");
    ws.update(std::slice::from_ref(p)).unwrap();
    assert_same(&out, root, "funds edit");

    // 3. A new project file.
    let src = &projects[0];
    let new = src.with_file_name("xinzengxiangmu.md");
    std::fs::copy(src, &new).unwrap();
    edit(&new, "name = \"", "name = \"新增");
    ws.update(std::slice::from_ref(&new)).unwrap();
    assert_same(&out, root, "added project");

    // 4. A project deleted.
    let gone = &projects[10];
    std::fs::remove_file(gone).unwrap();
    ws.update(std::slice::from_ref(gone)).unwrap();
    assert_same(&out, root, "deleted project");

    // 5. A department renamed in its _index.md.
    let dept_index = projects[20].with_file_name("_index.md");
    edit(&dept_index, "name = \"", "name = \"改名后的");
    ws.update(std::slice::from_ref(&dept_index)).unwrap();
    assert_same(&out, root, "department edit");

    // 6. A book's title.
    let book_index = books[1].join("_index.md");
    edit(&book_index, "title = \"", "title = \"修订：");
    ws.update(std::slice::from_ref(&book_index)).unwrap();
    assert_same(&out, root, "book edit");

    // 7. book.toml: everything.
    edit(&root.join("book.toml"), "title = \"", "title = \"新站名：");
    let u = ws.update(&[root.join("book.toml")]).unwrap();
    assert!(u.full);
    assert_same(&out, root, "book.toml edit");

    // 8. A bad edit: an error, and the served site stays as it was.
    let before = files(&out);
    let p = &projects[5];
    let good = std::fs::read_to_string(p).unwrap();
    std::fs::write(p, good.replacen("name = \"", "name = ", 1)).unwrap();
    let err = ws.update(std::slice::from_ref(p)).unwrap_err();
    assert!(format!("{err:#}").contains(&p.file_name().unwrap().to_string_lossy().to_string()));
    assert!(files(&out) == before, "a bad edit changed the served site");

    // 9. Fixed again.
    std::fs::write(p, &good).unwrap();
    ws.update(std::slice::from_ref(p)).unwrap();
    assert_same(&out, root, "fixed edit");

    // 10. A save that changes nothing writes nothing.
    let u = ws.update(std::slice::from_ref(p)).unwrap();
    assert_eq!(u.written, 0);
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    // A server that stalls fails the test instead of hanging it.
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).to_string())
}

#[test]
fn the_server_serves_reloads_and_refuses_to_leave_the_site() {
    let site = site();
    let root = site.path();
    serving(root, 0, &["--root", root.to_str().unwrap()], |port| {
        let page = get(port, "/").expect("server answers");
        assert!(page.starts_with("HTTP/1.1 200"));
        assert!(page.contains("/__jixiao/status"), "reload script injected");
        let status = get(port, "/__jixiao/status").unwrap();
        assert!(status.contains("\"version\":0"), "{status}");
        assert!(
            get(port, "/../../etc/passwd")
                .unwrap()
                .starts_with("HTTP/1.1 404")
        );
        assert!(
            get(port, "/%2e%2e/%2e%2e/etc/passwd")
                .unwrap()
                .starts_with("HTTP/1.1 404")
        );
        // A link placed inside the output folder is not followed out of it.
        std::os::unix::fs::symlink("/etc/passwd", root.join("public/passwd.html")).unwrap();
        let linked = get(port, "/passwd.html").unwrap();
        assert!(linked.starts_with("HTTP/1.1 404"), "{linked}");
        assert!(!linked.contains("root:"));

        // Save an edit: the version moves and the page shows it.
        let p = &project_files(root)[0];
        edit(p, "name = \"", "name = \"服务中修改");
        let mut moved = false;
        for _ in 0..100 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            if get(port, "/__jixiao/status").is_some_and(|s| s.contains("\"version\":1")) {
                moved = true;
                break;
            }
        }
        assert!(moved, "no rebuild after an edit");
        let home = get(port, "/").unwrap();
        let book = home
            .split("href=\"")
            .find(|s| s.starts_with("county-"))
            .unwrap();
        let book = &book[..book.find('"').unwrap()];
        let dept_page = get(port, &format!("/{book}")).unwrap();
        assert!(dept_page.contains("HTTP/1.1 200"));
        let rel = p
            .strip_prefix(root.join("content"))
            .unwrap()
            .with_extension("html");
        let html = get(port, &format!("/{}", rel.to_string_lossy())).unwrap();
        assert!(html.contains("服务中修改"), "edited page not served");

        // A bad edit: the error is reported, the last good page is still served.
        let good = std::fs::read_to_string(p).unwrap();
        std::fs::write(p, good.replacen("name = \"", "name = ", 1)).unwrap();
        let mut error = None;
        for _ in 0..100 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            if let Some(s) = get(port, "/__jixiao/status").filter(|s| s.contains("\"error\":\"")) {
                error = Some(s);
                break;
            }
        }
        let error = error.expect("the error is reported");
        assert!(error.contains(".md"), "{error}");
        let html = get(port, &format!("/{}", rel.to_string_lossy())).unwrap();
        assert!(html.contains("服务中修改"));
    });
}

/// Run `f(port)` against `jixiao serve` started from inside the site folder (with the
/// default root `.` unless `args` say otherwise, as README says) once it answers; the
/// server is stopped whatever `f` does. `offset` keeps the tests' ports apart.
fn serving(root: &Path, offset: u32, args: &[&str], f: impl FnOnce(u16)) {
    let port = 20000 + ((std::process::id() + offset) % 20000) as u16;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["serve", "--port", &port.to_string()])
        .args(args)
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if get(port, "/").is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(port)));
    child.kill().ok();
    child.wait().ok();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn status_version(port: u16) -> String {
    let s = get(port, "/__jixiao/status").expect("status answers");
    let v = &s[s.find("\"version\":").expect("version") + 10..];
    v[..v.find([',', '}']).unwrap()].to_string()
}

#[test]
fn serve_from_the_site_folder_applies_an_edit() {
    let site = site();
    let root = site.path();
    serving(root, 7, &[], |port| {
        assert_eq!(status_version(port), "0");
        let p = &project_files(root)[1];
        edit(p, "name = \"", "name = \"相对路径下修改");
        let rel = p
            .strip_prefix(root.join("content"))
            .unwrap()
            .with_extension("html");
        let mut seen = false;
        for _ in 0..100 {
            std::thread::sleep(std::time::Duration::from_millis(50));
            if get(port, &format!("/{}", rel.to_string_lossy()))
                .is_some_and(|h| h.contains("相对路径下修改"))
            {
                seen = true;
                break;
            }
        }
        assert!(seen, "the edit never reached the served page");
        assert_eq!(status_version(port), "1");
    });
}

#[test]
fn an_idle_server_stays_idle_while_files_are_read() {
    let site = site();
    let root = site.path();
    // With an absolute root the watcher sees every path it is given.
    serving(root, 13, &["--root", root.to_str().unwrap()], |port| {
        let stamp = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
        let index = root.join("public/index.html");
        let before = stamp(&index);
        // Read everything the watcher watches, list the folders, touch nothing: for
        // three seconds, as an editor or `cat` would.
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_secs(3) {
            std::fs::read(root.join("book.toml")).unwrap();
            for p in project_files(root).iter().take(20) {
                std::fs::read(p).unwrap();
            }
            for e in std::fs::read_dir(root.join("content")).unwrap() {
                std::fs::read_dir(e.unwrap().path()).ok();
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(status_version(port), "0", "a read started a rebuild");
        assert_eq!(stamp(&index), before, "the output was rewritten");
        // Saving a file with the same bytes changes nothing either.
        let p = &project_files(root)[0];
        let same = std::fs::read(p).unwrap();
        std::fs::write(p, &same).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(800));
        assert_eq!(status_version(port), "0", "a save of the same text rebuilt");
    });
}

/// One client asks for a large file and never reads it: the others are still answered.
#[test]
fn a_slow_client_does_not_stall_the_others() {
    let site = site();
    let root = site.path();
    serving(root, 19, &[], |port| {
        // A file in the output folder larger than the socket buffers.
        std::fs::write(root.join("public/big.bin"), vec![b'x'; 48 << 20]).unwrap();
        let big = "/big.bin";
        let mut slow = Vec::new();
        for _ in 0..3 {
            let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            write!(s, "GET {big} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            slow.push(s);
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        for _ in 0..20 {
            let t = std::time::Instant::now();
            let page = get(port, "/").expect("answered");
            assert!(page.starts_with("HTTP/1.1 200"));
            assert!(
                t.elapsed() < std::time::Duration::from_secs(2),
                "a request waited {:?} behind a slow client",
                t.elapsed()
            );
        }
        drop(slow);
    });
}

/// A busy port is an error with help, before anything is built or announced.
#[test]
fn a_busy_port_fails_before_serving() {
    let site = site();
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = busy.local_addr().unwrap().port();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(site.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot listen"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(!err.contains("serving"), "{err}");
    assert!(!site.path().join("public").exists(), "nothing was built");
}

/// A rebuild that cannot write one of its files (here a folder stands where its new copy
/// would go, as a full disk would refuse it) changes no file of the served site and leaves
/// no partial file; the next good save goes through.
#[test]
fn a_failed_incremental_write_leaves_the_site_as_it_was() {
    let site = site();
    let root = site.path();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("public");
    let mut ws = Workspace::open(root, &out, Some(BASE.into())).unwrap();
    let before = files(&out);
    let p = &project_files(root)[0];
    // The project's own page: it changes with its name.
    let page = p
        .strip_prefix(root.join("content"))
        .unwrap()
        .with_extension("html.jixiao-tmp");
    let blocker = out.join(page);
    std::fs::create_dir_all(blocker.join("x")).unwrap();
    edit(p, "name = \"", "name = \"写不进去的修改");
    let err = ws.update(std::slice::from_ref(p)).unwrap_err();
    assert!(format!("{err:#}").contains("help:"), "{err:#}");
    std::fs::remove_dir_all(&blocker).unwrap();
    let after = files(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "files appeared or vanished"
    );
    for (k, v) in &before {
        assert!(after[k] == *v, "{k} changed although the update failed");
    }
    // The next save (the same edit) is applied whole.
    let u = ws.update(std::slice::from_ref(p)).unwrap();
    assert!(u.written > 0);
    assert_same(&out, root, "after the failed write");
}

/// One response on a kept-alive connection: its head (lowercased) and body.
fn read_response(s: &mut std::net::TcpStream) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("a length")
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    (head, body)
}

/// Requests on one kept-alive connection are answered at once (before: ~44 ms each, as
/// Nagle's algorithm waited for a delayed ACK).
#[test]
fn kept_alive_requests_are_answered_at_once() {
    let site = site();
    let root = site.path();
    serving(root, 23, &[], |port| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        let t = std::time::Instant::now();
        for _ in 0..40 {
            write!(s, "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let (head, _) = read_response(&mut s);
            assert!(head.starts_with("http/1.1 200"), "{head}");
        }
        let took = t.elapsed();
        assert!(
            took < std::time::Duration::from_millis(1000),
            "40 kept-alive requests took {took:?}"
        );
    });
}

/// An HTTP/1.0 client that asks to keep the connection (as `ab -k` does) is told it is
/// kept, so it sends its next request instead of waiting for a close that never comes.
#[test]
fn http10_keep_alive_clients_are_told_the_connection_stays_open() {
    let site = site();
    let root = site.path();
    serving(root, 24, &[], |port| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let whole = std::fs::read(root.join("public/index.html")).unwrap();
        for path in ["/index.html", "/no-such-page.html", "/index.html"] {
            write!(
                s,
                "GET {path} HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: x\r\n\r\n"
            )
            .unwrap();
            let (head, body) = read_response(&mut s);
            assert!(head.contains("connection: keep-alive"), "{head}");
            if path == "/index.html" {
                assert!(head.starts_with("http/1.0 200 ok"), "{head}");
                assert!(body.starts_with(&whole[..100]), "the page itself");
            } else {
                assert!(head.starts_with("http/1.0 404"), "{head}");
            }
        }
        // Without the request for it, HTTP/1.0 ends with the response.
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        write!(s, "GET /index.html HTTP/1.0\r\n\r\n").unwrap();
        let mut all = Vec::new();
        s.read_to_end(&mut all)
            .expect("the server closes the connection");
        assert!(
            all.starts_with(b"HTTP/1."),
            "{}",
            String::from_utf8_lossy(&all[..40])
        );
    });
}
