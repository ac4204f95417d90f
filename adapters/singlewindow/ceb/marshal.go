package ceb

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
)

// xmlHeader is written before every document: UTF-8, no byte-order mark.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// Marshal validates m (see Validate) and writes it as a UTF-8 XML document with an XML
// declaration. CEB messages use the "ceb:" prefix for http://www.chinaport.gov.cn/ceb, as the
// official samples do; elements follow the 2022-05 schema order; optional elements that are
// empty are left out. An empty root version is written as "1.0" and an empty
// BaseTransfer.dxpMode as "DXP" (m itself is not changed).
//
// No ds:Signature is written: the schema makes it optional (minOccurs=0). A declared message
// (appStatus 2) must be signed before it is sent; the signer works on these bytes and inserts
// an enveloped <ds:Signature> after BaseTransfer (and any BaseSubscribe), before ExtendMessage.
func Marshal(m Message) ([]byte, error) {
	v := reflect.ValueOf(m)
	if m == nil || v.Kind() != reflect.Pointer || v.IsNil() {
		return nil, errors.New("ceb: Marshal: nil message")
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem()) // shallow copy: only top-level fields are defaulted below
	if f := c.Elem().FieldByName("Version"); f.IsValid() && f.String() == "" {
		if _, isDec := m.(*DecMessage); !isDec {
			f.SetString(Version)
		}
	}
	if bt := c.Elem().FieldByName("BaseTransfer"); bt.IsValid() {
		if f := bt.FieldByName("DxpMode"); f.String() == "" {
			f.SetString(DXP)
		}
	}
	cm := c.Interface().(Message)
	if err := Validate(cm); err != nil {
		return nil, err
	}
	return encode(cm)
}

// encode writes m without validating it.
func encode(m Message) ([]byte, error) {
	raw, err := xml.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("ceb: marshal %s: %w", m.MessageType(), err)
	}
	prefix, ns := "ceb", Namespace
	if _, isDec := m.(*DecMessage); isDec {
		prefix, ns = "", DecNamespace
	}
	var buf bytes.Buffer
	buf.Grow(len(raw) + len(raw)/2)
	buf.WriteString(xmlHeader)
	if err := rewrite(&buf, raw, prefix, ns); err != nil {
		return nil, fmt.Errorf("ceb: marshal %s: %w", m.MessageType(), err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// rewrite re-encodes the output of xml.Marshal (which declares the namespace as the default on
// every element that has one) with the namespace declared once on the root, under prefix (or as
// the default namespace when prefix is empty), indented with tabs like the official samples.
func rewrite(w io.Writer, raw []byte, prefix, ns string) error {
	d := xml.NewDecoder(bytes.NewReader(raw))
	e := xml.NewEncoder(w)
	e.Indent("", "\t")
	name := func(n xml.Name) xml.Name {
		if n.Space == ns && prefix != "" {
			return xml.Name{Local: prefix + ":" + n.Local}
		}
		return xml.Name{Local: n.Local}
	}
	root := true
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			out := xml.StartElement{Name: name(t.Name)}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				out.Attr = append(out.Attr, xml.Attr{Name: xml.Name{Local: a.Name.Local}, Value: a.Value})
			}
			if root {
				decl := "xmlns"
				if prefix != "" {
					decl += ":" + prefix
				}
				out.Attr = append(out.Attr, xml.Attr{Name: xml.Name{Local: decl}, Value: ns})
				root = false
			}
			tok = out
		case xml.EndElement:
			tok = xml.EndElement{Name: name(t.Name)}
		}
		if err := e.EncodeToken(tok); err != nil {
			return err
		}
	}
	return e.Flush()
}
