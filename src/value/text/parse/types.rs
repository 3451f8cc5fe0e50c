//! Parsing type descriptors.

use super::*;

impl<'t> Parser<'t> {
    /// Parses one type descriptor. Iterative: the descriptor bytes are written in pre-order as
    /// the text is read, and open `list<`/`result<`/`tuple<` wait on a stack.
    pub(super) fn ty(&mut self) -> Res<Type> {
        let mut bytes: Vec<u8> = Vec::new();
        let mut frames: Vec<TypeFrame> = Vec::new();
        loop {
            // Read the start of a descriptor.
            self.skip_ws();
            let at = self.pos;
            let Some(word) = self.ident() else {
                return self.err(at, format!("expected a type, found {}", self.found()));
            };
            let prim = match word {
                "bool" => Some(tag::BOOL),
                "u8" => Some(tag::U8),
                "u16" => Some(tag::U16),
                "u32" => Some(tag::U32),
                "u64" => Some(tag::U64),
                "s8" => Some(tag::S8),
                "s16" => Some(tag::S16),
                "s32" => Some(tag::S32),
                "s64" => Some(tag::S64),
                "f32" => Some(tag::F32),
                "f64" => Some(tag::F64),
                "char" => Some(tag::CHAR),
                "string" => Some(tag::STRING),
                "flags" => Some(tag::FLAGS),
                _ => None,
            };
            if let Some(t) = prim {
                bytes.push(t);
            } else {
                match word {
                    "list" | "option" | "set" => {
                        self.expect_with(b'<', || format!("after {word}"))?;
                        let (t, what) = match word {
                            "list" => (tag::LIST, "after the list element type"),
                            "set" => (tag::SET, "after the set element type"),
                            _ => (tag::OPTION, "after the option inner type"),
                        };
                        bytes.push(t);
                        frames.push(TypeFrame::One(what));
                        continue;
                    }
                    "result" | "map" => {
                        let map = word == "map";
                        self.expect_with(b'<', || format!("after {word}"))?;
                        bytes.push(if map { tag::MAP } else { tag::RESULT });
                        frames.push(TypeFrame::Two { done: 0, map });
                        continue;
                    }
                    "tuple" => {
                        self.expect(b'<', "after tuple")?;
                        bytes.push(tag::TUPLE);
                        let count_at = bytes.len();
                        bytes.extend_from_slice(&[0; 4]);
                        self.skip_ws();
                        if self.peek() == Some(b'>') {
                            self.pos += 1;
                        } else {
                            frames.push(TypeFrame::Tuple { count_at, n: 0 });
                            continue;
                        }
                    }
                    "record" | "variant" => {
                        self.expect_with(b'<', || format!("after {word}"))?;
                        let name_at = self.pos;
                        let name = self.name(if word == "record" {
                            "a record type name"
                        } else {
                            "a variant type name"
                        })?;
                        let Ok(len) = u32::try_from(name.len()) else {
                            return self.err(name_at, "name is longer than 4 GiB".into());
                        };
                        self.expect_with(b'>', || format!("after the {word} type name"))?;
                        bytes.push(if word == "record" {
                            tag::RECORD
                        } else {
                            tag::VARIANT
                        });
                        bytes.extend_from_slice(&len.to_le_bytes());
                        bytes.extend_from_slice(name.as_bytes());
                    }
                    "_" => {
                        return self.err(
                            at,
                            "expected a type, found '_' ('_' may only stand for the payload's \
                             own type in ok<_, E>(x) or err<T, _>(x))"
                                .into(),
                        );
                    }
                    _ => {
                        return self.err(
                            at,
                            format!(
                                "expected a type (bool, u8..u64, s8..s64, f32, f64, char, \
                                 string, flags, list<T>, option<T>, result<T, E>, tuple<...>, \
                                 map<K, V>, set<T>, \
                                 record<NAME>, variant<NAME>), found {}",
                                self.found_at(at)
                            ),
                        );
                    }
                }
            }
            // A descriptor is complete: close every frame it completes.
            loop {
                let Some(top) = frames.last_mut() else {
                    return Ok(Type::from_checked(&bytes));
                };
                match top {
                    TypeFrame::One(what) => {
                        let what = *what;
                        self.expect(b'>', what)?;
                        frames.pop();
                    }
                    TypeFrame::Two { done, map } => {
                        *done += 1;
                        let map = *map;
                        if *done == 1 {
                            self.expect(
                                b',',
                                if map {
                                    "after the key type of map<K, V>"
                                } else {
                                    "after the ok type of result<T, E>"
                                },
                            )?;
                            break;
                        }
                        self.skip_ws();
                        if self.peek() == Some(b',') {
                            self.pos += 1;
                        }
                        self.expect(
                            b'>',
                            if map {
                                "after the value type of map<K, V>"
                            } else {
                                "after the err type of result<T, E>"
                            },
                        )?;
                        frames.pop();
                    }
                    TypeFrame::Tuple { count_at, n } => {
                        *n += 1;
                        let (count_at, n) = (*count_at, *n);
                        self.skip_ws();
                        let close = match self.peek() {
                            Some(b',') => {
                                self.pos += 1;
                                self.skip_ws();
                                self.peek() == Some(b'>')
                            }
                            Some(b'>') => true,
                            _ => {
                                return self.err(
                                    self.pos,
                                    format!(
                                        "expected ',' or '>' after tuple item type, found {}",
                                        self.found()
                                    ),
                                );
                            }
                        };
                        if !close {
                            break;
                        }
                        self.pos += 1;
                        let Ok(n) = u32::try_from(n) else {
                            return self.err(self.pos, "tuple type has too many items".into());
                        };
                        if let Some(slot) = bytes.get_mut(count_at..count_at + 4) {
                            slot.copy_from_slice(&n.to_le_bytes());
                        }
                        frames.pop();
                    }
                }
            }
        }
    }

    /// `<T>` after `list`, `some`, `none`: skips whitespace, reads `<`, a type and `>`.
    pub(super) fn angle_type(&mut self, after: &str, close_what: &str) -> Res<Type> {
        self.expect(b'<', after)?;
        let t = self.ty()?;
        self.expect(b'>', close_what)?;
        Ok(t)
    }

    /// A type or `_` inside `ok<...>`/`err<...>`; `None` for `_`. Returns where it started.
    pub(super) fn type_or_infer(&mut self) -> Res<(Option<Type>, usize)> {
        self.skip_ws();
        let at = self.pos;
        if self.peek() == Some(b'_') && !self.peek_at(1).is_some_and(is_ident_continue) {
            self.pos += 1;
            return Ok((None, at));
        }
        Ok((Some(self.ty()?), at))
    }
}
