//! Parsing values.

use super::*;

impl<'t> Parser<'t> {
    /// Parses one value. Iterative: open containers wait on `frames`, finished items on `vals`.
    pub(super) fn value(&mut self) -> Res<Value> {
        let mut frames: Vec<Frame> = Vec::new();
        let mut vals: Vec<Value> = Vec::new();
        loop {
            let Some(mut v) = self.value_start(&mut frames, vals.len())? else {
                continue; // a container was opened: read its first item
            };
            // `v` is complete: hand it to the innermost open container, closing every
            // container that this completes.
            loop {
                let Some(top) = frames.last_mut() else {
                    return Ok(v);
                };
                match top {
                    Frame::Tuple { start } => {
                        let start = *start;
                        vals.push(v);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                if self.peek() != Some(b')') {
                                    break;
                                }
                            }
                            Some(b')') if vals.len() - start == 1 => {
                                return self.err(
                                    self.pos,
                                    "expected ',' after the item of a 1-tuple (write (x,)), \
                                     found ')'"
                                        .into(),
                                );
                            }
                            Some(b')') => {}
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or ')' after tuple item, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        }
                        self.pos += 1;
                        frames.pop();
                        v = Value::Tuple(Seq(vals.drain(start..).collect()));
                    }
                    Frame::List { elem, start } => {
                        let start = *start;
                        if elem.is_none() {
                            *elem = Some(v.infer_type());
                        }
                        vals.push(v);
                        if !self.seq_next(b']', "list item")? {
                            break;
                        }
                        let Some(Frame::List { elem, .. }) = frames.pop() else {
                            break;
                        };
                        let items = vals.drain(start..).collect();
                        v = Value::list(elem.unwrap_or_else(Type::s64), items);
                    }
                    Frame::Some { inner } => {
                        let inner = inner.take();
                        self.expect(b')', "to close some(...)")?;
                        frames.pop();
                        let inner = inner.unwrap_or_else(|| v.infer_type());
                        v = Value::option(inner, Some(v));
                    }
                    Frame::Result(r) => {
                        let is_err = r.is_err;
                        let (ok, err) = (r.ok.take(), r.err.take());
                        self.expect(
                            b')',
                            if is_err {
                                "to close err<T, E>(...)"
                            } else {
                                "to close ok<T, E>(...)"
                            },
                        )?;
                        frames.pop();
                        let ok = ok.unwrap_or_else(|| v.infer_type());
                        let err = err.unwrap_or_else(|| v.infer_type());
                        v = Value::result(ok, err, is_err, v);
                    }
                    Frame::Record(r) => {
                        vals.push(v);
                        self.skip_ws();
                        let close = match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.peek() == Some(b'}')
                            }
                            Some(b'}') => true,
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or '}}' after record field, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        };
                        if !close {
                            let name = self.name("a field name or '}'")?;
                            self.expect(b':', "after field name")?;
                            r.names.push(name);
                            break;
                        }
                        self.pos += 1;
                        let Some(Frame::Record(r)) = frames.pop() else {
                            break;
                        };
                        let r = *r;
                        v = Value::Record(Box::new(crate::value::model::Record {
                            type_name: r.type_name,
                            names: r.names,
                            values: vals.drain(r.start..).collect(),
                        }));
                    }
                    Frame::Map(m) => {
                        vals.push(v);
                        if m.key {
                            m.key = false;
                            self.expect(b':', "after a map key (write map<K, V>{k: v, ...})")?;
                            break;
                        }
                        m.key = true;
                        if !self.seq_next(b'}', "map entry")? {
                            break;
                        }
                        let Some(Frame::Map(m)) = frames.pop() else {
                            break;
                        };
                        let items = vals.drain(m.start..).collect();
                        v = self.canonical(Value::map(m.key_type, m.value_type, items))?;
                    }
                    Frame::Set { start, .. } => {
                        let start = *start;
                        vals.push(v);
                        if !self.seq_next(b'}', "set item")? {
                            break;
                        }
                        let Some(Frame::Set { elem, .. }) = frames.pop() else {
                            break;
                        };
                        let items = vals.drain(start..).collect();
                        v = self.canonical(Value::set(elem, items))?;
                    }
                    Frame::Variant(x) => {
                        let start = x.start;
                        vals.push(v);
                        if !self.seq_next(b')', "variant payload item")? {
                            break;
                        }
                        let Some(Frame::Variant(x)) = frames.pop() else {
                            break;
                        };
                        let x = *x;
                        v = Value::Variant(Box::new(crate::value::model::Variant {
                            type_name: x.type_name,
                            case_name: x.case_name,
                            tag: x.tag,
                            payload: vals.drain(start..).collect(),
                        }));
                    }
                }
            }
        }
    }

    /// After an item of a comma-separated sequence closed by `close`: consumes `,` or the
    /// closer. Returns true if the sequence is closed (the closer was consumed), false if
    /// another item follows.
    pub(super) fn seq_next(&mut self, close: u8, what: &str) -> Res<bool> {
        self.skip_ws();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(close) {
                    self.pos += 1;
                    return Ok(true);
                }
                Ok(false)
            }
            Some(c) if c == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => self.err(
                self.pos,
                format!(
                    "expected ',' or '{}' after {what}, found {}",
                    close as char,
                    self.found()
                ),
            ),
        }
    }

    /// Reads the start of a value. Returns a complete value, or `None` after pushing a frame
    /// for a container whose first item comes next. `depth` is the length of the value stack.
    pub(super) fn value_start(
        &mut self,
        frames: &mut Vec<Frame>,
        depth: usize,
    ) -> Res<Option<Value>> {
        self.skip_ws();
        let at = self.pos;
        let Some(c) = self.peek() else {
            return self.err(at, "expected a value, found end of input".into());
        };
        match c {
            b'(' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b')') {
                    self.pos += 1;
                    return Ok(Some(Value::unit()));
                }
                frames.push(Frame::Tuple { start: depth });
                Ok(None)
            }
            b'[' => {
                self.pos += 1;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    return self.err(at, "empty list needs a type: write list<T>[]".into());
                }
                frames.push(Frame::List {
                    elem: None,
                    start: depth,
                });
                Ok(None)
            }
            b'\'' => Ok(Some(Value::Char(self.char_lit()?))),
            b'"' => {
                let s = Str::from(self.string()?);
                if self.name_follows() {
                    self.named(s, frames, depth)
                } else {
                    Ok(Some(Value::String(s)))
                }
            }
            b'-' | b'0'..=b'9' => Ok(Some(self.number()?)),
            c if is_ident_start(c) => {
                let word = self.ident().unwrap_or_default();
                if self.name_follows() {
                    self.named(Str::from(word), frames, depth)
                } else {
                    self.keyword(word, at, frames, depth)
                }
            }
            _ => self.err(at, format!("expected a value, found {}", self.found())),
        }
    }

    /// After an identifier or string at value position: true if `{` (a record) or `::` (a
    /// variant) follows, so that it was a type name.
    pub(super) fn name_follows(&mut self) -> bool {
        let save = self.pos;
        self.skip_ws();
        let named = self.peek() == Some(b'{')
            || (self.peek() == Some(b':') && self.peek_at(1) == Some(b':'));
        self.pos = save;
        named
    }

    /// A record or variant after its type name (see [`Parser::name_follows`]). Returns the
    /// value, or `None` after pushing a frame for its first field or payload item.
    pub(super) fn named(
        &mut self,
        name: Str,
        frames: &mut Vec<Frame>,
        depth: usize,
    ) -> Res<Option<Value>> {
        self.skip_ws();
        if self.peek() == Some(b'{') {
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(b'}') {
                self.pos += 1;
                return Ok(Some(Value::Record(Box::new(crate::value::model::Record {
                    type_name: name,
                    names: Vec::new(),
                    values: Vec::new(),
                }))));
            }
            let field = self.name("a field name or '}'")?;
            self.expect(b':', "after field name")?;
            frames.push(Frame::Record(Box::new(RecordFrame {
                type_name: name,
                names: vec![field],
                start: depth,
            })));
            return Ok(None);
        }
        if !(self.peek() == Some(b':') && self.peek_at(1) == Some(b':')) {
            return self.err(
                self.pos,
                format!(
                    "expected '{{' or '::' after a type name, found {}",
                    self.found()
                ),
            );
        }
        self.pos += 2;
        let case_name = self.name("a case name after '::'")?;
        self.skip_ws();
        if self.peek() != Some(b'#') {
            return self.err(
                self.pos,
                format!(
                    "expected '#' and a tag after the case name (write type::case#0), found {}",
                    self.found()
                ),
            );
        }
        self.pos += 1;
        self.skip_ws();
        let tag_at = self.pos;
        let (ds, de) = self.digits(10);
        if ds == de {
            return self.err(
                tag_at,
                format!("expected a decimal tag after '#', found {}", self.found()),
            );
        }
        let Some(tag) = self.magnitude(ds, de, 10) else {
            return self.err(
                tag_at,
                format!("variant tag {} does not fit u64", self.literal(ds, de)),
            );
        };
        let after_tag = self.pos;
        self.skip_ws();
        let mut has_payload = self.peek() == Some(b'(');
        if has_payload {
            self.pos += 1;
            self.skip_ws();
            if self.peek() == Some(b')') {
                self.pos += 1;
                has_payload = false;
            }
        } else {
            self.pos = after_tag;
        }
        if has_payload {
            frames.push(Frame::Variant(Box::new(VariantFrame {
                type_name: name,
                case_name,
                tag,
                start: depth,
            })));
            return Ok(None);
        }
        Ok(Some(Value::Variant(Box::new(
            crate::value::model::Variant {
                type_name: name,
                case_name,
                tag,
                payload: Default::default(),
            },
        ))))
    }

    /// A finished map or set, if its keys are unique and in canonical order (reported at the
    /// closing brace just read).
    fn canonical(&self, v: Value) -> Res<Value> {
        match v.check_canonical() {
            Ok(()) => Ok(v),
            Err(msg) => self.err(self.pos.saturating_sub(1), msg),
        }
    }

    /// A value that starts with a keyword (`true`, `some`, `list`, ...).
    pub(super) fn keyword(
        &mut self,
        word: &str,
        at: usize,
        frames: &mut Vec<Frame>,
        depth: usize,
    ) -> Res<Option<Value>> {
        let v = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "inf_f32" => Value::F32(f32::INFINITY),
            "inf_f64" => Value::F64(f64::INFINITY),
            "nan_f32" => self.nan(true)?,
            "nan_f64" => self.nan(false)?,
            "flags" => {
                self.expect(b'(', "after flags (write flags(0x2b))")?;
                let bits =
                    self.plain_unsigned("a decimal or 0x hex number in flags(...)", false)?;
                self.expect(b')', "to close flags(...)")?;
                Value::Flags(bits)
            }
            "list" => {
                let elem = self.angle_type(
                    "after list (write list<T>[...])",
                    "after the list element type",
                )?;
                self.expect(b'[', "after list<T>")?;
                self.skip_ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    Value::list(elem, Vec::new())
                } else {
                    frames.push(Frame::List {
                        elem: Some(elem),
                        start: depth,
                    });
                    return Ok(None);
                }
            }
            "map" => {
                self.expect(b'<', "after map (write map<K, V>{k: v, ...})")?;
                let key_type = self.ty()?;
                self.expect(b',', "after the key type of map<K, V>")?;
                let value_type = self.ty()?;
                self.skip_ws();
                if self.peek() == Some(b',') {
                    self.pos += 1;
                }
                self.expect(b'>', "after the value type of map<K, V>")?;
                self.expect(b'{', "after map<K, V>")?;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    Value::map(key_type, value_type, Vec::new())
                } else {
                    frames.push(Frame::Map(Box::new(MapFrame {
                        key_type,
                        value_type,
                        start: depth,
                        key: true,
                    })));
                    return Ok(None);
                }
            }
            "set" => {
                let elem = self.angle_type(
                    "after set (write set<T>{...})",
                    "after the set element type",
                )?;
                self.expect(b'{', "after set<T>")?;
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    Value::set(elem, Vec::new())
                } else {
                    frames.push(Frame::Set { elem, start: depth });
                    return Ok(None);
                }
            }
            "none" => Value::option(
                self.angle_type("after none (write none<T>)", "after the none type")?,
                None,
            ),
            "some" => {
                self.skip_ws();
                let inner = if self.peek() == Some(b'<') {
                    Some(self.angle_type("after some", "after the some type")?)
                } else {
                    None
                };
                self.expect(b'(', "after some (write some(x) or some<T>(x))")?;
                frames.push(Frame::Some { inner });
                return Ok(None);
            }
            "ok" | "err" => {
                let is_err = word == "err";
                self.expect_with(b'<', || {
                    format!(
                        "after {word} (write {word}<T, E>(x); '_' may stand for the payload's type)"
                    )
                })?;
                let (ok, ok_at) = self.type_or_infer()?;
                self.expect_with(b',', || format!("after the ok type of {word}<T, E>"))?;
                let (err, err_at) = self.type_or_infer()?;
                self.skip_ws();
                if self.peek() == Some(b',') {
                    self.pos += 1;
                }
                self.expect_with(b'>', || format!("after the err type of {word}<T, E>"))?;
                if is_err && ok.is_none() {
                    return self.err(
                        ok_at,
                        "expected the ok type, found '_' (in err<T, E>(x) only E may be '_')"
                            .into(),
                    );
                }
                if !is_err && err.is_none() {
                    return self.err(
                        err_at,
                        "expected the err type, found '_' (in ok<T, E>(x) only T may be '_')"
                            .into(),
                    );
                }
                self.expect_with(b'(', || format!("after {word}<T, E>"))?;
                frames.push(Frame::Result(Box::new(ResultFrame { ok, err, is_err })));
                return Ok(None);
            }
            _ => {
                return self.err(
                    at,
                    format!(
                        "expected a value, found '{}' (a record type name is followed by '{{', \
                         a variant type name by '::')",
                        self.literal(at, at + word.len())
                    ),
                );
            }
        };
        Ok(Some(v))
    }
}
