//! A small, bounded XML tree for the RD Service's replies (RDSERVICE, DEVICEINFO, PidData).
//!
//! The replies are a few kilobytes, so a tree is simpler than a streaming state machine and
//! lets each parser look elements and attributes up by name, in any order. Names are matched
//! by local name (namespace prefixes dropped), exactly first, then ignoring ASCII case, because
//! vendors differ. Limits on size, depth and element count keep hostile input cheap.

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// Deepest nesting accepted; real replies are 3 levels deep.
const MAX_DEPTH: usize = 32;
/// Most elements accepted in one document; real replies have about a dozen.
const MAX_ELEMENTS: usize = 10_000;
/// Longest detail text copied into an error, so an error never carries a large chunk of input.
const MAX_DETAIL: usize = 160;

/// One element: local name, attributes (local names, normalised values), text and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

/// Why a reply could not be read as XML. Messages never quote document text beyond names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("the reply is empty")]
    Empty,
    #[error("the reply is {len} bytes, over the {limit}-byte limit")]
    TooLarge { len: usize, limit: usize },
    #[error("the reply is not UTF-8 text (bad byte at offset {at})")]
    NotUtf8 { at: usize },
    #[error("the reply is not well-formed XML at byte {at}: {detail}")]
    Syntax { at: u64, detail: String },
    #[error("the reply is truncated: it ends inside <{open}>")]
    Truncated { open: String },
    #[error("the reply has no root element")]
    NoRoot,
    #[error("the reply has more than one root element")]
    MultipleRoots,
    #[error("the reply nests elements more than {MAX_DEPTH} deep")]
    TooDeep,
    #[error("the reply has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
}

impl Element {
    /// An attribute by local name: exact match first, then ignoring ASCII case.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .or_else(|| {
                self.attrs
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }

    /// The first child with this local name: exact first, then ignoring ASCII case.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name).or_else(|| {
            self.children
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
    }

    /// Every child with this local name (ignoring ASCII case), in document order.
    pub(crate) fn children_named<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Element> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.eq_ignore_ascii_case(name))
    }

    /// This element or the first descendant with this local name (depth first).
    pub(crate) fn find(&self, name: &str) -> Option<&Element> {
        if self.name.eq_ignore_ascii_case(name) {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }
}

/// Parse a whole document into its root element, within `limit` bytes.
pub(crate) fn parse(input: &[u8], limit: usize) -> Result<Element, XmlError> {
    if input.len() > limit {
        return Err(XmlError::TooLarge {
            len: input.len(),
            limit,
        });
    }
    // A UTF-8 byte order mark is legal before the declaration; some Windows services send it.
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    let text = std::str::from_utf8(input).map_err(|e| XmlError::NotUtf8 {
        at: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(XmlError::Empty);
    }

    let mut reader = Reader::from_str(text);
    let config = reader.config_mut();
    config.check_end_names = true;
    config.expand_empty_elements = false;

    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;

    loop {
        let event = reader.read_event().map_err(|e| XmlError::Syntax {
            at: reader.error_position(),
            detail: clip(&e.to_string()),
        })?;
        match event {
            Event::Start(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                if stack.is_empty() && root.is_some() {
                    return Err(XmlError::MultipleRoots);
                }
                stack.push(element_of(&start, &reader)?);
            }
            Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(XmlError::TooManyElements);
                }
                let el = element_of(&start, &reader)?;
                close(el, &mut stack, &mut root)?;
            }
            Event::End(_) => match stack.pop() {
                Some(el) => close(el, &mut stack, &mut root)?,
                None => {
                    return Err(XmlError::Syntax {
                        at: reader.buffer_position(),
                        detail: "a closing tag with no opening tag".into(),
                    });
                }
            },
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                } else if !t.trim().is_empty() {
                    return Err(XmlError::Syntax {
                        at: reader.buffer_position(),
                        detail: "text outside the root element".into(),
                    });
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                // Only the predefined entities and character references; nothing is expanded
                // from a DTD, so entity tricks cannot blow up.
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match &*r {
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "amp" => "&".into(),
                        "apos" => "'".into(),
                        "quot" => "\"".into(),
                        other => {
                            return Err(XmlError::Syntax {
                                at: reader.buffer_position(),
                                detail: clip(&format!("unknown entity &{other};")),
                            });
                        }
                    },
                    Err(e) => {
                        return Err(XmlError::Syntax {
                            at: reader.buffer_position(),
                            detail: clip(&e.to_string()),
                        });
                    }
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError::Truncated {
            open: clip(&open.name),
        });
    }
    root.ok_or(XmlError::NoRoot)
}

fn close(el: Element, stack: &mut [Element], root: &mut Option<Element>) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => {
            if root.is_some() {
                return Err(XmlError::MultipleRoots);
            }
            *root = Some(el);
        }
    }
    Ok(())
}

fn element_of(start: &BytesStart<'_>, reader: &Reader<&[u8]>) -> Result<Element, XmlError> {
    let name = start.local_name().as_ref().to_string();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| XmlError::Syntax {
            at: reader.buffer_position(),
            detail: clip(&e.to_string()),
        })?;
        let key = attr.key.local_name().as_ref().to_string();
        // `xmlns` declarations are not data.
        if attr.key.as_ref() == "xmlns" || attr.key.as_ref().starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| XmlError::Syntax {
                at: reader.buffer_position(),
                detail: clip(&e.to_string()),
            })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        name,
        attrs,
        text: String::new(),
        children: Vec::new(),
    })
}

/// Cut a detail string to a bounded length on a character boundary.
fn clip(s: &str) -> String {
    if s.len() <= MAX_DETAIL {
        return s.to_string();
    }
    let mut end = MAX_DETAIL;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// Remove every whitespace character: base64 values are sometimes wrapped across lines.
pub(crate) fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaced_attributes_in_any_order() {
        let doc = br#"<?xml version="1.0"?><p:Root xmlns:p="urn:x" b="2" a=" 1 "><Kid v="x"/>text</p:Root>"#;
        let root = parse(doc, 1024).unwrap();
        assert_eq!(root.name, "Root");
        assert_eq!(root.attr("a"), Some(" 1 "));
        assert_eq!(root.attr("B"), Some("2"));
        assert_eq!(root.child("kid").and_then(|k| k.attr("v")), Some("x"));
        assert_eq!(root.text, "text");
    }

    #[test]
    fn truncation_names_the_open_element() {
        let err = parse(b"<A><B x=\"1\">abc", 1024).unwrap_err();
        assert!(
            matches!(err, XmlError::Truncated { ref open } if open == "B"),
            "{err:?}"
        );
    }

    #[test]
    fn rejects_garbage_oversize_and_two_roots() {
        assert!(parse(b"", 10).is_err());
        assert!(matches!(parse(b"<A/>", 2), Err(XmlError::TooLarge { .. })));
        assert!(matches!(
            parse(b"<A/><B/>", 100),
            Err(XmlError::MultipleRoots)
        ));
        assert!(parse(b"\xff\xfe<A/>", 100).is_err());
        assert!(parse(b"hello", 100).is_err());
        assert!(parse(b"<A></B>", 100).is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(
            parse(deep.as_bytes(), 10_000),
            Err(XmlError::TooDeep)
        ));
    }

    #[test]
    fn entities_are_resolved_but_unknown_ones_rejected() {
        let root = parse(b"<A>x&amp;y&#65;</A>", 100).unwrap();
        assert_eq!(root.text, "x&yA");
        assert!(parse(b"<A>&boom;</A>", 100).is_err());
    }
}
