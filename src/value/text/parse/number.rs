//! Parsing integer and float literals.

use super::*;

impl<'t> Parser<'t> {
    /// An integer or float literal, or `-inf_f32`/`-inf_f64`; `self.pos` is at `-` or a digit.
    pub(super) fn number(&mut self) -> Res<Value> {
        let start = self.pos;
        let neg = self.peek() == Some(b'-');
        if neg {
            self.pos += 1;
            if let Some(word) = self.ident() {
                return match word {
                    "inf_f32" => Ok(Value::F32(f32::NEG_INFINITY)),
                    "inf_f64" => Ok(Value::F64(f64::NEG_INFINITY)),
                    "nan_f32" | "nan_f64" => self.err(
                        start,
                        format!(
                            "expected a number or inf_f32/inf_f64 after '-', found '{word}' (a \
                             NaN's sign is part of its bits: write {word}(0x...))"
                        ),
                    ),
                    _ => self.err(
                        start,
                        format!(
                            "expected a number or inf_f32/inf_f64 after '-', found {}",
                            self.found_at(start + 1)
                        ),
                    ),
                };
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return self.err(
                    self.pos,
                    format!(
                        "expected a digit or inf_f32/inf_f64 after '-', found {}",
                        self.found()
                    ),
                );
            }
        }
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        let mut float = false;
        let (ds, de) = if hex {
            self.pos += 2;
            let r = self.digits(16);
            if r.0 == r.1 {
                return self.err(
                    self.pos,
                    format!("expected hex digits after 0x, found {}", self.found()),
                );
            }
            r
        } else {
            let r = self.digits(10);
            if self.peek() == Some(b'.') {
                self.pos += 1;
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return self.err(
                        self.pos,
                        format!("expected a digit after '.', found {}", self.found()),
                    );
                }
                self.digits(10);
                float = true;
            }
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.pos += 1;
                if matches!(self.peek(), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    return self.err(
                        self.pos,
                        format!("expected a digit in the exponent, found {}", self.found()),
                    );
                }
                self.digits(10);
                float = true;
            }
            r
        };
        let num_end = self.pos;
        let suffix_at = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            self.pos += 1;
        }
        let suffix = self.slice(suffix_at, self.pos);
        let lit = self.slice(start, num_end);

        if float {
            return match suffix {
                "" | "f64" => match lit.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Value::F64(x)),
                    _ => self.err(
                        start,
                        format!(
                            "float {} is out of range for f64 (infinity is written inf_f64)",
                            self.literal(start, num_end)
                        ),
                    ),
                },
                "f32" => match lit.parse::<f32>() {
                    Ok(x) if x.is_finite() => Ok(Value::F32(x)),
                    _ => self.err(
                        start,
                        format!(
                            "float {} is out of range for f32 (infinity is written inf_f32)",
                            self.literal(start, num_end)
                        ),
                    ),
                },
                _ => self.err(
                    suffix_at,
                    format!("expected float suffix f32 or f64, found '{suffix}'"),
                ),
            };
        }

        let (kind, min, max): (Kind, i128, i128) = match suffix {
            "" | "s64" => (Kind::S64, i64::MIN.into(), i64::MAX.into()),
            "s32" => (Kind::S32, i32::MIN.into(), i32::MAX.into()),
            "s16" => (Kind::S16, i16::MIN.into(), i16::MAX.into()),
            "s8" => (Kind::S8, i8::MIN.into(), i8::MAX.into()),
            "u64" => (Kind::U64, 0, u64::MAX.into()),
            "u32" => (Kind::U32, 0, u32::MAX.into()),
            "u16" => (Kind::U16, 0, u16::MAX.into()),
            "u8" => (Kind::U8, 0, u8::MAX.into()),
            "f32" | "f64" if !hex => {
                return self.err(
                    start,
                    format!(
                        "expected a '.' or an exponent in float {lit}{suffix}: write \
                         {lit}.0{suffix}"
                    ),
                );
            }
            _ => {
                return self.err(
                    suffix_at,
                    format!(
                        "expected integer suffix u8, u16, u32, u64, s8, s16, s32 or s64, found \
                         '{suffix}'"
                    ),
                );
            }
        };
        let value = self
            .magnitude(ds, de, if hex { 16 } else { 10 })
            .map(|m| if neg { -i128::from(m) } else { i128::from(m) })
            .filter(|v| (min..=max).contains(v));
        let Some(n) = value else {
            return self.err(
                start,
                format!(
                    "integer {} does not fit {}",
                    self.literal(start, num_end),
                    kind.name()
                ),
            );
        };
        // In range, so the casts below are exact.
        Ok(match kind {
            Kind::U8 => Value::U8(n as u8),
            Kind::U16 => Value::U16(n as u16),
            Kind::U32 => Value::U32(n as u32),
            Kind::U64 => Value::U64(n as u64),
            Kind::S8 => Value::S8(n as i8),
            Kind::S16 => Value::S16(n as i16),
            Kind::S32 => Value::S32(n as i32),
            _ => Value::S64(n as i64),
        })
    }

    /// An unsigned decimal or `0x` hex number without suffix (inside `flags(...)`,
    /// `nan_f64(...)`). `hex_only` rejects decimal.
    pub(super) fn plain_unsigned(&mut self, what: &str, hex_only: bool) -> Res<u64> {
        self.skip_ws();
        let start = self.pos;
        let hex = self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X'));
        let ok_start = if hex_only {
            hex
        } else {
            self.peek().is_some_and(|c| c.is_ascii_digit())
        };
        if !ok_start {
            return self.err(start, format!("expected {what}, found {}", self.found()));
        }
        if hex {
            self.pos += 2;
        }
        let radix = if hex { 16 } else { 10 };
        let (ds, de) = self.digits(radix);
        if ds == de || self.peek().is_some_and(is_ident_continue) {
            return self.err(
                start,
                format!("expected {what}, found {}", self.found_at(start)),
            );
        }
        match self.magnitude(ds, de, radix) {
            Some(m) => Ok(m),
            None => self.err(
                start,
                format!("{} does not fit u64", self.literal(start, de)),
            ),
        }
    }

    /// `nan_f32`/`nan_f64`, optionally followed by `(0x...)` bits; the word has been read.
    pub(super) fn nan(&mut self, f32_: bool) -> Res<Value> {
        let save = self.pos;
        self.skip_ws();
        if self.peek() != Some(b'(') {
            self.pos = save;
            return Ok(if f32_ {
                Value::F32(f32::from_bits(CANONICAL_NAN_F32))
            } else {
                Value::F64(f64::from_bits(CANONICAL_NAN_F64))
            });
        }
        self.pos += 1;
        self.skip_ws();
        let at = self.pos;
        let (what, example) = if f32_ {
            ("nan_f32", "0xffc00001")
        } else {
            ("nan_f64", "0x7ff0000000000001")
        };
        let bits = self.plain_unsigned(&format!("hex bits like {example} in {what}(...)"), true)?;
        let v = if f32_ {
            match u32::try_from(bits) {
                Ok(b) if f32::from_bits(b).is_nan() => Value::F32(f32::from_bits(b)),
                _ => {
                    return self.err(
                        at,
                        format!(
                            "{} is not the bit pattern of an f32 NaN",
                            self.literal(at, self.pos)
                        ),
                    );
                }
            }
        } else if f64::from_bits(bits).is_nan() {
            Value::F64(f64::from_bits(bits))
        } else {
            return self.err(
                at,
                format!(
                    "{} is not the bit pattern of an f64 NaN",
                    self.literal(at, self.pos)
                ),
            );
        };
        self.expect_with(b')', || format!("to close {what}(...)"))?;
        Ok(v)
    }
}
