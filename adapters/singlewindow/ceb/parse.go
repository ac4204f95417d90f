package ceb

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ParseError says where and why a document could not be read.
type ParseError struct {
	Element string // the element concerned ("returnStatus", "CEB604Message", "@guid"); "" if none
	Path    string // its path when known, e.g. "CEB604Message/InventoryReturn[2]/returnStatus"
	Line    int    // 1-based line in the input (for ParseReceiptStream: in the whole body); 0 if unknown
	Msg     string
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("ceb: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	switch {
	case e.Path != "":
		fmt.Fprintf(&b, "%s: ", e.Path)
	case e.Element != "":
		fmt.Fprintf(&b, "<%s>: ", e.Element)
	}
	b.WriteString(e.Msg)
	return b.String()
}

const dsNamespace = "http://www.w3.org/2000/09/xmldsig#"

// intElements are the xs:int elements of the schema; the scanner checks their text so that a
// bad number is reported with its element and line (encoding/xml would not name them).
var intElements = map[string]bool{"gnum": true, "gseqno": true, "msgCount": true, "msgSeqNo": true, "packNo": true, "PackNo": true, "GNo": true}

// roots maps every root element the codec reads to a constructor.
var roots = map[string]func() Message{
	"CEB303Message": func() Message { return new(CEB303Message) },
	"CEB403Message": func() Message { return new(CEB403Message) },
	"CEB507Message": func() Message { return new(CEB507Message) },
	"CEB505Message": func() Message { return new(CEB505Message) },
	"CEB509Message": func() Message { return new(CEB509Message) },
	"CEB603Message": func() Message { return new(CEB603Message) },
	"CEB605Message": func() Message { return new(CEB605Message) },
	"CEB701Message": func() Message { return new(CEB701Message) },
	"CEB304Message": func() Message { return new(CEB304Message) },
	"CEB404Message": func() Message { return new(CEB404Message) },
	"CEB506Message": func() Message { return new(CEB506Message) },
	"CEB508Message": func() Message { return new(CEB508Message) },
	"CEB510Message": func() Message { return new(CEB510Message) },
	"CEB604Message": func() Message { return new(CEB604Message) },
	"CEB606Message": func() Message { return new(CEB606Message) },
	"CEB608Message": func() Message { return new(CEB608Message) },
	"CEB702Message": func() Message { return new(CEB702Message) },
	"CEB792Message": func() Message { return new(CEB792Message) },
	"CEB900Message": func() Message { return new(CEB900Message) },
	"DecMessage":    func() Message { return new(DecMessage) },
}

// Descriptions of the accepted roots, for error messages.
var (
	anyRootWhat     = "a known message (" + rootNames(func(string) bool { return true }) + ")"
	receiptRootWhat = "a receipt message (" + rootNames(isReceiptRoot) + ")"
)

func rootNames(accept func(string) bool) string {
	var names []string
	for n := range roots {
		if accept(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// scanned is what the pre-pass learned about a well-formed document.
type scanned struct {
	root  string
	lines map[string]int // element path with every step indexed ("R/A[1]/b[1]") → line
}

// line returns the line of path (a validator path), or of its nearest ancestor present in the
// document, and whether path itself is present.
func (s *scanned) line(path string) (int, bool) {
	key := canonPath(path)
	if l, ok := s.lines[key]; ok {
		return l, true
	}
	for {
		i := strings.LastIndexByte(key, '/')
		if i < 0 {
			return 0, false
		}
		key = key[:i]
		if l, ok := s.lines[key]; ok {
			return l, false
		}
	}
}

// canonPath indexes every step after the root: "R/A[2]/b" → "R/A[2]/b[1]"; "R/@guid" → "R".
func canonPath(p string) string {
	steps := strings.Split(p, "/")
	out := steps[:1]
	for _, s := range steps[1:] {
		if strings.HasPrefix(s, "@") {
			break
		}
		if !strings.HasSuffix(s, "]") {
			s += "[1]"
		}
		out = append(out, s)
	}
	return strings.Join(out, "/")
}

type frame struct {
	name   string
	path   string
	counts map[string]int
	skip   bool // inside ds:Signature or ExtendMessage: content not checked
	isInt  bool
	text   strings.Builder
}

// scan reads the whole document once, checking that it is well-formed, that it holds exactly
// one root element accepted by accept, in the expected namespace, that every element below the
// root is in that namespace (ds:Signature and ExtendMessage content excepted), that the xs:int
// elements hold integers, and recording the line of every element.
func scan(data []byte, accept func(string) bool, what string) (*scanned, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	s := &scanned{lines: make(map[string]int)}
	var stack []*frame
	rootDone, declSeen := false, false
	top := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].name
	}
	topPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		return stack[len(stack)-1].path
	}
	var ns string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		line, _ := d.InputPos()
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
				msg := strings.TrimPrefix(se.Msg, "XML syntax error on line "+strconv.Itoa(se.Line)+": ")
				if len(stack) == 0 && !rootDone && s.root == "" {
					return nil, &ParseError{Line: line, Msg: "malformed XML: " + msg}
				}
				return nil, &ParseError{Element: top(), Path: topPath(), Line: line, Msg: "malformed XML: " + msg}
			}
			return nil, &ParseError{Element: top(), Path: topPath(), Line: line, Msg: err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if rootDone {
				return nil, &ParseError{Element: name, Line: line, Msg: "a second root element: one document expected (several documents: use ParseReceiptStream)"}
			}
			if len(stack) == 0 {
				s.root = name
				if _, known := roots[name]; !known {
					return nil, &ParseError{Element: name, Path: name, Line: line, Msg: fmt.Sprintf("unknown root element <%s>; want %s", name, what)}
				}
				if !accept(name) {
					return nil, &ParseError{Element: name, Path: name, Line: line, Msg: fmt.Sprintf("root element <%s> is not %s", name, what)}
				}
				ns = Namespace
				if name == "DecMessage" {
					ns = DecNamespace
				}
				if t.Name.Space != ns {
					return nil, &ParseError{Element: name, Path: name, Line: line, Msg: fmt.Sprintf("root element in namespace %q, want %q", t.Name.Space, ns)}
				}
				stack = append(stack, &frame{name: name, path: name, counts: map[string]int{}})
				s.lines[name] = line
				continue
			}
			parent := stack[len(stack)-1]
			f := &frame{name: name, counts: map[string]int{}, skip: parent.skip}
			if !f.skip {
				if parent.isInt {
					return nil, &ParseError{Element: parent.name, Path: parent.path, Line: line, Msg: fmt.Sprintf("holds an element <%s>; want an integer", name)}
				}
				switch {
				case t.Name.Space == dsNamespace && name == "Signature":
					f.skip = true
				case t.Name.Space != ns:
					return nil, &ParseError{Element: name, Path: parent.path + "/" + name, Line: line, Msg: fmt.Sprintf("element in namespace %q, want %q", t.Name.Space, ns)}
				case name == "ExtendMessage":
					f.skip = true
				}
			}
			parent.counts[name]++
			f.path = parent.path + "/" + name + "[" + strconv.Itoa(parent.counts[name]) + "]"
			f.isInt = !f.skip && intElements[name]
			if !parent.skip {
				s.lines[f.path] = line
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.isInt {
				v := strings.TrimSpace(f.text.String())
				if _, err := strconv.ParseInt(v, 10, 32); err != nil {
					return nil, &ParseError{Element: f.name, Path: f.path, Line: s.lines[f.path], Msg: fmt.Sprintf("want an integer, got %q", v)}
				}
			}
			if len(stack) == 0 {
				rootDone = true
			}
		case xml.CharData:
			if len(stack) > 0 {
				if f := stack[len(stack)-1]; f.isInt {
					f.text.Write(t)
				}
				continue
			}
			if txt := strings.Trim(string(t), " \t\r\n\ufeff"); txt != "" {
				return nil, &ParseError{Line: line, Msg: fmt.Sprintf("text %q outside the root element", abbreviate(txt))}
			}
		case xml.ProcInst:
			if t.Target == "xml" && (rootDone || len(stack) > 0 || declSeen) {
				return nil, &ParseError{Element: top(), Line: line, Msg: "a second XML declaration: one document expected (several documents: use ParseReceiptStream)"}
			}
			declSeen = declSeen || t.Target == "xml"
		case xml.Directive:
			return nil, &ParseError{Element: top(), Line: line, Msg: "DOCTYPE and other directives are not allowed"}
		}
	}
	if s.root == "" {
		return nil, &ParseError{Line: 1, Msg: "no root element: empty document"}
	}
	return s, nil
}

func abbreviate(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// decode scans data and unmarshals it into a new message of its root type.
func decode(data []byte, accept func(string) bool, what string) (Message, *scanned, error) {
	s, err := scan(data, accept, what)
	if err != nil {
		return nil, nil, err
	}
	m := roots[s.root]()
	if err := xml.NewDecoder(bytes.NewReader(data)).Decode(m); err != nil {
		return nil, nil, &ParseError{Element: s.root, Path: s.root, Line: s.lines[s.root], Msg: err.Error()}
	}
	return m, s, nil
}

// ParseMessage reads one document of any kind the codec knows (the declarations CEB303, 505,
// 509, 603, 605, 701, the receipts CEB304 … CEB900, and DecMessage), chosen by its root
// element. Receipts are checked as by ParseReceiptMessage; declarations are not validated
// (call Validate).
func ParseMessage(data []byte) (Message, error) {
	m, s, err := decode(data, func(string) bool { return true }, anyRootWhat)
	if err != nil {
		return nil, err
	}
	if rm, ok := m.(ReceiptMessage); ok {
		if err := checkReceipt(rm, s); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// parseAs reads a document whose root must be that of T. The result is not validated.
func parseAs[T any, PT interface {
	*T
	Message
}](data []byte) (PT, error) {
	want := PT(new(T)).rootName()
	m, _, err := decode(data, func(n string) bool { return n == want }, "<"+want+">")
	if err != nil {
		return nil, err
	}
	return m.(PT), nil
}

// ParseCEB303 reads a CEB303 order message (not validated; see Validate).
func ParseCEB303(data []byte) (*CEB303Message, error) { return parseAs[CEB303Message](data) }

// ParseCEB403 reads a CEB403 payment receipt message (not validated; see Validate).
func ParseCEB403(data []byte) (*CEB403Message, error) { return parseAs[CEB403Message](data) }

// ParseCEB507 reads a CEB507 arrival message (not validated; see Validate).
func ParseCEB507(data []byte) (*CEB507Message, error) { return parseAs[CEB507Message](data) }

// ParseCEB505 reads a CEB505 waybill message (not validated; see Validate).
func ParseCEB505(data []byte) (*CEB505Message, error) { return parseAs[CEB505Message](data) }

// ParseCEB509 reads a CEB509 departure message (not validated; see Validate).
func ParseCEB509(data []byte) (*CEB509Message, error) { return parseAs[CEB509Message](data) }

// ParseCEB603 reads a CEB603 inventory list message (not validated; see Validate).
func ParseCEB603(data []byte) (*CEB603Message, error) { return parseAs[CEB603Message](data) }

// ParseCEB605 reads a CEB605 cancellation message (not validated; see Validate).
func ParseCEB605(data []byte) (*CEB605Message, error) { return parseAs[CEB605Message](data) }

// ParseCEB701 reads a CEB701 summary application message (not validated; see Validate).
func ParseCEB701(data []byte) (*CEB701Message, error) { return parseAs[CEB701Message](data) }

// ParseDecMessage reads a DecMessage entry declaration (not validated; see Validate).
func ParseDecMessage(data []byte) (*DecMessage, error) { return parseAs[DecMessage](data) }
