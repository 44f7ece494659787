//! An SVG backend for plotters that groups what it draws by meaning: the chart code opens
//! `<g class="measurement" data-phase="Failed"><title>...</title>` around a marker, so a
//! browser shows the title on hover and tests can count measurements and thresholds.
//!
//! Elements are written as plotters' own SVG backend writes them; text uses the embedded
//! font's family name, so the SVG and the PNG are laid out with the same metrics.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use plotters::backend::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
    FontTransform,
    text_anchor::{HPos, VPos},
};

use super::font::FAMILY;

/// A group to open or close at the next element.
#[derive(Debug, Clone)]
enum TagOp {
    Open {
        class: String,
        attrs: Vec<(String, String)>,
        title: String,
    },
    Close,
}

/// Group marks the chart code sets while drawing; only the SVG backend reads them.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    ops: Option<Rc<RefCell<Vec<TagOp>>>>,
}

impl Tags {
    /// Marks nobody reads (bitmap rendering).
    pub fn none() -> Tags {
        Tags { ops: None }
    }

    fn recording() -> Tags {
        Tags {
            ops: Some(Rc::new(RefCell::new(Vec::new()))),
        }
    }

    /// Opens `<g class=... data-...=...><title>title</title>`; close it with [`Tags::end`].
    pub fn begin(&self, class: &str, attrs: &[(&str, &str)], title: &str) {
        if let Some(ops) = &self.ops {
            ops.borrow_mut().push(TagOp::Open {
                class: class.into(),
                attrs: attrs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                title: title.into(),
            });
        }
    }

    pub fn end(&self) {
        if let Some(ops) = &self.ops {
            ops.borrow_mut().push(TagOp::Close);
        }
    }

    fn take(&self) -> Vec<TagOp> {
        self.ops
            .as_ref()
            .map(|ops| std::mem::take(&mut *ops.borrow_mut()))
            .unwrap_or_default()
    }
}

/// Writes SVG into a shared string.
pub struct TaggedSvg {
    out: Rc<RefCell<String>>,
    size: (u32, u32),
    tags: Tags,
    open_groups: usize,
    finished: bool,
}

impl TaggedSvg {
    /// A backend of `size` pixels; returns it, its tag handle and where the text goes.
    pub fn new(size: (u32, u32)) -> (TaggedSvg, Tags, Rc<RefCell<String>>) {
        let out = Rc::new(RefCell::new(String::new()));
        let tags = Tags::recording();
        {
            let mut o = out.borrow_mut();
            let _ = writeln!(
                o,
                r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FAMILY}, sans-serif" role="img">"#,
                w = size.0,
                h = size.1
            );
        }
        let backend = TaggedSvg {
            out: out.clone(),
            size,
            tags: tags.clone(),
            open_groups: 0,
            finished: false,
        };
        (backend, tags, out)
    }

    /// Writes pending group marks, then returns the output to append the element to.
    /// One closed shape (`rect ...`, `circle ...`), stroked or filled; nothing when
    /// fully transparent.
    fn shape<S: BackendStyle>(&mut self, geometry: &str, style: &S, fill: bool) {
        if style.color().alpha == 0.0 {
            return;
        }
        let attrs = shape_paint(style, fill);
        let mut o = self.element();
        let _ = writeln!(o, "<{geometry} {attrs}/>");
    }

    fn element(&mut self) -> std::cell::RefMut<'_, String> {
        let ops = self.tags.take();
        let mut o = self.out.borrow_mut();
        for op in ops {
            match op {
                TagOp::Open {
                    class,
                    attrs,
                    title,
                } => {
                    let _ = write!(o, "<g class=\"{}\"", escape(&class));
                    for (k, v) in attrs {
                        let _ = write!(o, " data-{}=\"{}\"", k, escape(&v));
                    }
                    let _ = writeln!(o, "><title>{}</title>", escape(&title));
                    self.open_groups += 1;
                }
                TagOp::Close if self.open_groups > 0 => {
                    o.push_str("</g>\n");
                    self.open_groups -= 1;
                }
                TagOp::Close => {}
            }
        }
        o
    }
}

impl TaggedSvg {
    /// `<TAG ... points="..."/>`, `tag_and_paint` being the tag name and its paint
    /// attributes .
    fn poly(
        &mut self,
        c: BackendColor,
        tag_and_paint: &str,
        path: impl IntoIterator<Item = BackendCoord>,
    ) {
        if c.alpha == 0.0 {
            return;
        }
        let pts = points(path);
        let mut o = self.element();
        let _ = writeln!(o, r#"<{tag_and_paint} points="{pts}"/>"#);
    }
}

/// XML-escapes text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `ATTR="#RRGGBB"`, with `opacity` when the colour is translucent.
fn paint(attr: &str, c: BackendColor) -> String {
    let (r, g, b) = c.rgb;
    let mut s = format!(r##"{attr}="#{r:02X}{g:02X}{b:02X}""##);
    if c.alpha < 1.0 {
        let _ = write!(s, r#" opacity="{:.3}""#, c.alpha);
    }
    s
}

/// A shape's paint: filled, or outlined at the style's width.
fn shape_paint<S: BackendStyle>(style: &S, fill: bool) -> String {
    if fill {
        format!(r#"stroke="none" {}"#, paint("fill", style.color()))
    } else {
        format!(
            r#"fill="none" stroke-width="{}" {}"#,
            style.stroke_width(),
            paint("stroke", style.color())
        )
    }
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut s = String::new();
    for (x, y) in path {
        let _ = write!(s, "{x},{y} ");
    }
    s.trim_end().to_string()
}

impl DrawingBackend for TaggedSvg {
    type ErrorType = std::fmt::Error;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.finished {
            drop(self.element());
            let mut o = self.out.borrow_mut();
            for _ in 0..self.open_groups {
                o.push_str("</g>\n");
            }
            o.push_str("</svg>\n");
            self.open_groups = 0;
            self.finished = true;
        }
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if c.alpha == 0.0 {
            return Ok(());
        }
        let mut o = self.element();
        let _ = writeln!(
            o,
            r#"<rect x="{x}" y="{y}" width="1" height="1" {}/>"#,
            paint("fill", c)
        );
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let mut o = self.element();
        let _ = writeln!(
            o,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}" {}/>"#,
            from.0,
            from.1,
            to.0,
            to.1,
            style.stroke_width(),
            paint("stroke", style.color())
        );
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        ul: BackendCoord,
        br: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let geometry = format!(
            r#"rect x="{}" y="{}" width="{}" height="{}""#,
            ul.0,
            ul.1,
            br.0 - ul.0,
            br.1 - ul.1
        );
        self.shape(&geometry, style, fill);
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let attrs = format!(
            r#"polyline fill="none" stroke-width="{}" {}"#,
            style.stroke_width(),
            paint("stroke", style.color())
        );
        self.poly(style.color(), &attrs, path);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let attrs = format!("polygon {}", paint("fill", style.color()));
        self.poly(style.color(), &attrs, path);
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.shape(
            &format!(r#"circle cx="{x}" cy="{y}" r="{radius}""#),
            style,
            fill,
        );
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if style.color().alpha == 0.0 {
            return Ok(());
        }
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "middle",
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => "0.76em",
            VPos::Center => "0.5ex",
            VPos::Bottom => "-0.5ex",
        };
        let mut extra = String::new();
        match style.style() {
            FontStyle::Bold => extra.push_str(r#" font-weight="bold""#),
            FontStyle::Italic | FontStyle::Oblique => extra.push_str(r#" font-style="italic""#),
            FontStyle::Normal => {}
        }
        let rotate = match style.transform() {
            FontTransform::Rotate90 => Some(90),
            FontTransform::Rotate180 => Some(180),
            FontTransform::Rotate270 => Some(270),
            FontTransform::None => None,
        };
        if let Some(deg) = rotate {
            let _ = write!(extra, r#" transform="rotate({deg}, {x}, {y})""#);
        }
        let size = style.size() / 1.24;
        let fill = paint("fill", style.color());
        let mut o = self.element();
        let _ = writeln!(
            o,
            r#"<text x="{x}" y="{y}" dy="{dy}" text-anchor="{anchor}" font-size="{size:.1}"{extra} {fill}>{}</text>"#,
            escape(text)
        );
        Ok(())
    }
}
