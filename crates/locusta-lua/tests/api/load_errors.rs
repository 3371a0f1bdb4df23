//! A locustfile that does not load stops with a message naming the file and line.

use locusta_lua::{LoadError, Locustfile, split_locustfile_arg};

use crate::support::{load_error, remove_file, write_file};

/// The error's text, with the temporary path shortened to `FILE`.
fn text(error: &LoadError, path: &std::path::Path) -> String {
    error
        .to_string()
        .replace(&path.display().to_string(), "FILE")
}

#[test]
fn syntax_error_names_file_and_line() {
    let (error, path) = load_error(
        "syntax.lua",
        "Web = HttpUser {}\n\ntask()\nfunction Web:go()\n    self.client:get(\"/\"\nend\n",
    );
    assert!(
        matches!(error, LoadError::Syntax { line: Some(6), .. }),
        "{error:?}"
    );
    let text = text(&error, &path);
    assert!(text.starts_with("FILE:6: syntax error: "), "{text}");
}

#[test]
fn runtime_error_at_load_names_file_and_line() {
    let (error, path) = load_error("runtime.lua", "local x = nil\n\nlocal y = x.field\n");
    assert!(
        matches!(error, LoadError::Runtime { line: Some(3), .. }),
        "{error:?}"
    );
    assert_eq!(
        text(&error, &path),
        "FILE:3: attempt to index nil with 'field'"
    );
    let (error, path) = load_error(
        "api.lua",
        "Web = HttpUser {\n  wait_time = between(1, \"x\"),\n}\n",
    );
    assert_eq!(
        text(&error, &path),
        "FILE:2: between() needs its second argument as a number of seconds >= 0, got x"
    );
}

#[test]
fn no_user_class() {
    let (error, path) = load_error("empty.lua", "local x = 1\n");
    assert!(matches!(error, LoadError::NoUserClass { .. }), "{error:?}");
    assert_eq!(
        text(&error, &path),
        "No User class found in FILE: define one with QuickstartUser = HttpUser { ... }"
    );
    let (error, path) = load_error(
        "local.lua",
        "local Web = HttpUser {}\ntask()\nfunction Web:go() end\n",
    );
    let text = text(&error, &path);
    assert!(text.contains("classes kept in local variables"), "{text}");
    let (error, _) = load_error("abstract.lua", "Base = HttpUser { abstract = true }\n");
    assert!(matches!(error, LoadError::NoUserClass { .. }), "{error:?}");
}

#[test]
fn task_that_is_not_a_function() {
    let (error, path) = load_error(
        "tasks.lua",
        "local x = 1\nWeb = HttpUser {\n    tasks = { \"missing\" },\n}\n",
    );
    assert!(
        matches!(error, LoadError::InvalidClass { line: 2, .. }),
        "{error:?}"
    );
    assert_eq!(
        text(&error, &path),
        "FILE:2: Web: tasks: task entry 1 names 'missing', which is not a method of the class (it is nil)"
    );
    let (error, path) = load_error("number.lua", "Web = HttpUser { tasks = { 42 } }\n");
    assert_eq!(
        text(&error, &path),
        "FILE:1: Web: tasks: task entry 1 is not a function (it is number)"
    );
    let (error, path) = load_error(
        "decorated.lua",
        "Web = HttpUser {}\n\ntask(2)\nWeb.limit = 10\n",
    );
    assert_eq!(
        text(&error, &path),
        "FILE:4: task(2) on line 3 must be followed by a method definition (function Class:name() ... end), not number 'limit'"
    );
    let (error, path) = load_error("dangling.lua", "Web = HttpUser {}\ntask()\n");
    assert_eq!(
        text(&error, &path),
        "FILE:2: task(1) is not followed by a method definition (function Class:name() ... end)"
    );
    let (error, path) = load_error(
        "wait.lua",
        "Web = HttpUser { wait_time = function() return 1 end }\n",
    );
    let text = text(&error, &path);
    assert!(
        text.starts_with("FILE:1: Web: wait_time must be between(a, b)"),
        "{text}"
    );
}

#[test]
fn duplicate_class_across_files() {
    let first = write_file("a.lua", "Web = HttpUser {}\ntask()\nfunction Web:a() end\n");
    let second = write_file("b.lua", "Web = HttpUser {}\ntask()\nfunction Web:b() end\n");
    let error = Locustfile::load(&[first.clone(), second.clone()]).unwrap_err();
    remove_file(&first);
    remove_file(&second);
    assert_eq!(
        error.to_string(),
        format!(
            "Duplicate user class names: Web is defined in {} and {}",
            first.display(),
            second.display()
        )
    );
}

#[test]
fn several_files_each_in_its_own_environment() {
    let first = write_file(
        "a.lua",
        "shared = 'a'\nA = HttpUser {}\ntask()\nfunction A:go() assert(shared == 'a') end\n",
    );
    let second = write_file(
        "b.lua",
        "assert(shared == nil, 'files share globals')\nshared = 'b'\nB = User {}\ntask()\nfunction B:go() assert(shared == 'b') end\n",
    );
    let arg = format!("{}, {}", first.display(), second.display());
    let file = Locustfile::load(&split_locustfile_arg(&arg)).unwrap();
    assert_eq!(file.class_names(), ["A", "B"]);
    // A directory loads every .lua file in it.
    let dir = first.parent().unwrap().to_path_buf();
    let file = Locustfile::load(&[dir]).unwrap();
    assert_eq!(file.class_names(), ["A"]);
    remove_file(&first);
    remove_file(&second);
}

#[test]
fn missing_file() {
    let error = Locustfile::load(&["/nonexistent/locustfile.lua".into()]).unwrap_err();
    assert!(matches!(error, LoadError::NotFound { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("Could not find '/nonexistent/locustfile.lua'"),
        "{error}"
    );
}
