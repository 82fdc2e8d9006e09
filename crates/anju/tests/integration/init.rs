//! `anju init`: real cities from the NBS division files, and errors that name the
//! file and line.

use std::path::PathBuf;
use std::process::Command;

use store::vault::Vault;

/// The NBS division files: `ANJU_DIVISIONS_DIR`, or the repository's sample of
/// Beijing and Suzhou (`data/china-divisions`).
fn divisions() -> PathBuf {
    let dir = match std::env::var_os("ANJU_DIVISIONS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/china-divisions"),
    };
    assert!(
        dir.join("villages.csv").is_file(),
        "the division files are missing: expected {}/villages.csv (data/china-divisions of the repository, or ANJU_DIVISIONS_DIR)",
        dir.display()
    );
    dir
}

fn init(city: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("city.db").display());
    let output = Command::new(env!("CARGO_BIN_EXE_anju"))
        .args([
            "init",
            "--city",
            city,
            "--admin",
            "root",
            "--db",
            &db,
            "--divisions",
        ])
        .arg(divisions())
        .env_remove("ANJU_KEY")
        .env_remove("ANJU_KEY_FILE")
        .output()
        .unwrap();
    (dir, output)
}

fn levels(dir: &tempfile::TempDir) -> [usize; 3] {
    let key = std::fs::read_to_string(dir.path().join("city.db.key"))
        .expect("init writes a key file beside the database");
    assert_eq!(key.trim().len(), 64);
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&key.trim()[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let vault = Vault::from_key(bytes.try_into().unwrap());
    let store = store::open(
        &format!("sqlite://{}", dir.path().join("city.db").display()),
        vault,
    )
    .unwrap();
    let hierarchy = store.hierarchy().unwrap();
    let admin = store
        .credentials("root")
        .unwrap()
        .expect("the administrator exists")
        .0;
    assert_eq!(admin.role, domain::access::Role::Administrator);
    assert_eq!(admin.unit, hierarchy.city());
    anju::cli::init::unit_counts(&hierarchy)
}

#[test]
fn suzhou_and_beijing_are_built_from_the_national_files() {
    for (city, expected) in [("3205", [10, 118, 2_248]), ("1101", [16, 349, 7_535])] {
        let (dir, output) = init(city);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{city}: {}{stdout}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("password"), "{stdout}");
        assert_eq!(levels(&dir), expected, "{city}");
    }
}

#[test]
fn a_malformed_division_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("cities.csv", "code,name,provinceCode\n3205,\"苏州市\",32\n");
    write(
        "areas.csv",
        "code,name,cityCode,provinceCode\n320505,\"虎丘区\",3205,32\n",
    );
    write(
        "streets.csv",
        "code,name,areaCode,provinceCode,cityCode\n320505001,\"横塘街道\",320505,32,3205\n32050500X,\"狮山街道\",320505,32,3205\n",
    );
    write(
        "villages.csv",
        "code,name,streetCode,provinceCode,cityCode,areaCode\n",
    );
    let error = anju::cli::init::read_divisions(dir.path(), "3205").unwrap_err();
    let message = format!("{error:#}").replace(&dir.path().display().to_string(), "[dir]");
    insta::assert_snapshot!(message);

    let missing = anju::cli::init::read_divisions(&dir.path().join("nowhere"), "3205").unwrap_err();
    assert!(format!("{missing:#}").contains("cities.csv"), "{missing:#}");
}
