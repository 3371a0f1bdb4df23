//! Reading a rendered HTML report back in tests: the cells of a table, the attributes that
//! load something, the embedded chart JSON. Enough for our own template, not a general parser.

use serde_json::Value;

/// The text of each cell of each body row of the table with `id`, entities decoded.
pub fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let open = format!("<table class=\"data-table\" id=\"{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no table #{id}"));
    let table = &html[start..];
    let table = &table[..table.find("</table>").expect("the table ends")];
    let body = &table[table.find("<tbody>").expect("a tbody")..];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let content = &cell[cell.find('>').expect("the cell's tag ends") + 1..];
                    let content = &content[..content.find("</td>").expect("the cell ends")];
                    decode(&strip_tags(content))
                })
                .collect()
        })
        .collect()
}

/// The row of `rows` whose second cell (Name) is `name`.
pub fn row_named<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row.get(1).is_some_and(|cell| cell == name))
        .unwrap_or_else(|| panic!("no row named {name:?} in {rows:?}"))
}

/// What a browser would load: the value of every `src`, `href`, `action` and `srcset`
/// attribute of every tag, every `url(…)` and `@import` in the style elements, and the network
/// calls (`fetch(`, `XMLHttpRequest`, `import(`) in the script elements.
///
/// Text outside tags holds no raw `<` (the template escapes it), so every `<` there starts a
/// tag; the content of `<script>` and `<style>` is skipped as markup and searched as code.
pub fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let tag_and_more = &rest[open..];
        let end = tag_and_more.find('>').expect("the tag ends");
        let tag = &tag_and_more[..end];
        for attribute in [" src=", " href=", " action=", " srcset="] {
            if let Some(at) = tag.find(attribute) {
                found.push(tag[at + attribute.len()..].trim_matches('"').to_owned());
            }
        }
        rest = &tag_and_more[end + 1..];
        for (element, calls) in [
            ("<script", &["fetch(", "XMLHttpRequest", "import("][..]),
            ("<style", &["url(", "@import"][..]),
        ] {
            if tag.starts_with(element) {
                let close = format!("</{}", &element[1..]);
                let content_end = rest.find(&close).expect("the element ends");
                let content = &rest[..content_end];
                for call in calls {
                    if content.contains(call) {
                        found.push(format!("{call} in a {element}> element"));
                    }
                }
                rest = &rest[content_end..];
            }
        }
    }
    found
}

/// The JSON of `<script id="chart-data" type="application/json">`.
pub fn chart_data(html: &str) -> Value {
    let open = r#"<script id="chart-data" type="application/json">"#;
    let start = html.find(open).expect("the chart data element") + open.len();
    let json = &html[start..start + html[start..].find("</script>").expect("its end")];
    serde_json::from_str(json).expect("the chart data is JSON")
}

/// The text of the `<dd>` of the report's facts whose `data-testid` is `id`, decoded.
pub fn fact(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {marker}"));
    let rest = &html[start..];
    let content = &rest[rest.find('>').unwrap() + 1..];
    decode(&strip_tags(&content[..content.find("</dd>").unwrap()]))
}

fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.trim().to_owned()
}

/// The entities minijinja's HTML escaping writes.
fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}
