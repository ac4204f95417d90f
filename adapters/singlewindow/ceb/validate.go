package ceb

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// FieldError is one problem found by Validate, located by its element path, e.g.
// "CEB603Message/Inventory[2]/InventoryList[1]/gcode" or "CEB604Message/@guid".
type FieldError struct {
	Path string
	Msg  string
}

// Element is the element (or "@attribute") the problem is about: the last step of Path
// without its index.
func (f FieldError) Element() string { return lastStep(f.Path) }

func (f FieldError) String() string { return f.Path + ": " + f.Msg }

// ValidationError lists every problem Validate found in a message; Marshal returns it when a
// message would not satisfy the schema facets (or the few documented cross-field rules).
type ValidationError struct {
	Message string // "CEB603", ...
	Fields  []FieldError
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ceb: invalid %s message", e.Message)
	for i, f := range e.Fields {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Fields)-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(f.String())
	}
	return b.String()
}

// Validate checks m against the facets of the 2022-05 schema that the codec knows (presence,
// length, digits, enumerations, timestamp formats, decimal digits, cardinalities) and returns nil
// or a *ValidationError naming every bad field. Marshal calls it; the parsers of the declarations
// (ParseCEB603, ...) do not, so that the simulated customs authority can read a bad declaration
// and answer it (with a CEB900 or a rejecting receipt).
//
// For the messages the service builds it is deliberately stricter than the schema, which since
// 2022-05 lets most mandatory strings be empty: business-mandatory elements must not be empty or
// blank; guids must be upper case; appType, appStatus, ieFlag (E), statisticsFlag, orderType,
// summaryFlag and fFlag/iFlag (3) are checked against their documented values; gnum (and the
// DecMessage GNo) run 1, 2, 3, ...; msgSeqNo ≤ msgCount; a 1210/1239 inventory list needs
// iacCode, iacName, emsNo and an itemRecordNo on every line (the schema annotations' "特殊区域模式
// 必填", "保税出口模式必填"); a summary application gives startTime and endTime together, or
// inventory lines. For receipts it checks the schema facets only, so that any schema-valid
// receipt passes.
func Validate(m Message) error {
	v := reflect.ValueOf(m)
	if m == nil || v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("ceb: Validate: nil message")
	}
	var errs []FieldError
	add := func(path, msg string) { errs = append(errs, FieldError{Path: path, Msg: msg}) }
	walk(v.Elem(), m.rootName(), add)
	if c, ok := m.(interface {
		check(add func(path, msg string))
	}); ok {
		c.check(add)
	}
	if len(errs) > 0 {
		return &ValidationError{Message: m.MessageType(), Fields: errs}
	}
	return nil
}

// rules are parsed from a `ceb:"..."` struct tag:
//
//	req        not empty (not only white space)
//	len=N      exactly N characters      min=N / max=N  at least / at most N characters
//	num        ASCII digits only         enum=A|B       one of the values
//	guid       36 characters, no lower-case letters (the guids this service generates)
//	time14     YYYYMMDDhhmmss            time17         YYYYMMDDhhmmssfff        date8  YYYYMMDD
//	digits=N   an integer of at most N digits           pos    an integer ≥ 1
//	items=A..B between A and B elements (B empty: unbounded)
//	opt        may be empty although the other facets fix a length: a number customs leaves
//	           empty in a receipt (no preNo on a filing E-Port refused before numbering it)
//
// String facets apply whenever the element is written: always for mandatory elements, and
// for `omitempty` ones only when they are not empty (an empty optional element is left out).
// Decimal values are always checked against totalDigits 19 / fractionDigits 5.
type rules struct {
	req, num, guid, time14, time17, date8, pos, opt bool
	length, min, max, digits                        int
	enum                                            []string
	items                                           bool
	itemsMin, itemsMax                              int // itemsMax < 0: unbounded
}

type fieldInfo struct {
	index     int
	name      string // element or attribute name
	attr      bool
	omitempty bool
	embedded  bool
	decimal   bool
	r         rules
}

var fieldCache sync.Map // reflect.Type → []fieldInfo

var decimalType = reflect.TypeOf(Decimal(""))

func fieldsOf(t reflect.Type) []fieldInfo {
	if fi, ok := fieldCache.Load(t); ok {
		return fi.([]fieldInfo)
	}
	var out []fieldInfo
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Name == "XMLName" || !sf.IsExported() {
			continue
		}
		f := fieldInfo{index: i, embedded: sf.Anonymous, decimal: sf.Type == decimalType}
		tag := sf.Tag.Get("xml")
		if tag == "-" {
			continue
		}
		parts := strings.Split(tag, ",")
		f.name = parts[0]
		if j := strings.LastIndexByte(f.name, ' '); j >= 0 {
			f.name = f.name[j+1:]
		}
		for _, p := range parts[1:] {
			switch p {
			case "attr":
				f.attr = true
			case "omitempty":
				f.omitempty = true
			}
		}
		f.r = parseRules(t.Name()+"."+sf.Name, sf.Tag.Get("ceb"))
		out = append(out, f)
	}
	fieldCache.Store(t, out)
	return out
}

func parseRules(where, tag string) rules {
	r := rules{length: -1, min: -1, max: -1, digits: -1}
	if tag == "" {
		return r
	}
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			panic(fmt.Sprintf("ceb: bad ceb tag on %s: %q", where, tag))
		}
		return n
	}
	for _, p := range strings.Split(tag, ",") {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "req":
			r.req = true
		case "opt":
			r.opt = true
		case "num":
			r.num = true
		case "guid":
			r.guid = true
		case "time14":
			r.time14 = true
		case "time17":
			r.time17 = true
		case "date8":
			r.date8 = true
		case "pos":
			r.pos = true
		case "len":
			r.length = atoi(v)
		case "min":
			r.min = atoi(v)
		case "max":
			r.max = atoi(v)
		case "digits":
			r.digits = atoi(v)
		case "enum":
			r.enum = strings.Split(v, "|")
		case "items":
			lo, hi, _ := strings.Cut(v, "..")
			r.items, r.itemsMin, r.itemsMax = true, atoi(lo), -1
			if hi != "" {
				r.itemsMax = atoi(hi)
			}
		default:
			panic(fmt.Sprintf("ceb: unknown ceb tag option on %s: %q", where, p))
		}
	}
	return r
}

func walk(v reflect.Value, path string, add func(path, msg string)) {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if f.embedded {
			walk(fv, path, add)
			continue
		}
		p := path + "/" + f.name
		if f.attr {
			p = path + "/@" + f.name
		}
		switch fv.Kind() {
		case reflect.Struct:
			walk(fv, p, add)
		case reflect.Slice:
			n := fv.Len()
			if f.r.items && n < f.r.itemsMin {
				if n == 0 {
					add(p, "missing mandatory element")
				} else {
					add(p, fmt.Sprintf("at least %d required, got %d", f.r.itemsMin, n))
				}
			}
			if f.r.items && f.r.itemsMax >= 0 && n > f.r.itemsMax {
				add(p, fmt.Sprintf("at most %d allowed, got %d", f.r.itemsMax, n))
			}
			for i := 0; i < n; i++ {
				walk(fv.Index(i), fmt.Sprintf("%s[%d]", p, i+1), add)
			}
		case reflect.String:
			s := fv.String()
			if (f.omitempty || f.r.opt) && s == "" {
				continue
			}
			if msg := checkString(s, f); msg != "" {
				add(p, msg)
			}
		case reflect.Int:
			n := fv.Int()
			if f.r.pos && n < 1 {
				add(p, fmt.Sprintf("must be at least 1, got %d", n))
			}
			if f.r.digits > 0 && len(strconv.FormatInt(abs(n), 10)) > f.r.digits {
				add(p, fmt.Sprintf("at most %d digits, got %d", f.r.digits, n))
			}
		}
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func checkString(s string, f fieldInfo) string {
	r := f.r
	if !utf8.ValidString(s) {
		return "not valid UTF-8"
	}
	for _, c := range s {
		if !isXMLChar(c) {
			return fmt.Sprintf("contains the character %U, which XML does not allow", c)
		}
	}
	if s == "" && (r.req || f.decimal || r.length > 0 || r.min > 0 || r.guid || r.time14 || r.time17 || r.date8 || r.enum != nil) {
		return "missing or empty"
	}
	if r.req && strings.TrimSpace(s) == "" {
		return "must not be blank"
	}
	n := utf8.RuneCountInString(s)
	switch {
	case r.length >= 0 && n != r.length:
		return fmt.Sprintf("must be %d characters, got %d (%q)", r.length, n, s)
	case r.min >= 0 && n < r.min:
		return fmt.Sprintf("must be at least %d characters, got %d (%q)", r.min, n, s)
	case r.max >= 0 && n > r.max:
		return fmt.Sprintf("must be at most %d characters, got %d", r.max, n)
	case r.num && !allDigits(s):
		return fmt.Sprintf("must be digits only, got %q", s)
	}
	if r.enum != nil && !contains(r.enum, s) {
		return fmt.Sprintf("must be one of %s, got %q", strings.Join(r.enum, ", "), s)
	}
	if r.guid {
		if n != 36 {
			return fmt.Sprintf("must be 36 characters, got %d (%q)", n, s)
		}
		if s != strings.ToUpper(s) {
			return fmt.Sprintf("must be upper case, got %q", s)
		}
	}
	if r.time14 {
		if _, err := ParseAppTime(s); err != nil {
			return "bad timestamp: " + err.Error()
		}
	}
	if r.time17 {
		if len(s) != 17 {
			return fmt.Sprintf("must be 17 digits YYYYMMDDhhmmssfff, got %q", s)
		}
		if _, err := ParseReturnTime(s); err != nil {
			return "bad timestamp: " + err.Error()
		}
	}
	if r.date8 {
		if _, err := ParseDate(s); err != nil {
			return "bad date: " + err.Error()
		}
	}
	if f.decimal {
		return checkDecimal(s, 19, 5)
	}
	return ""
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lastStep returns the last step of a path without its index: "A/B[2]/c" → "c".
func lastStep(path string) string {
	s := path[strings.LastIndexByte(path, '/')+1:]
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	return s
}

// ---------------------------------------------------------------------------------------------
// Cross-field rules that the schema states in its annotations.

func checkSequence(add func(path, msg string), path, elem string, got []int) {
	for i, n := range got {
		if n != i+1 {
			add(fmt.Sprintf("%s[%d]/%s", path, i+1, elem), fmt.Sprintf("must be %d (numbered from 1 in order), got %d", i+1, n))
		}
	}
}

func (m *CEB303Message) check(add func(path, msg string)) {
	for i, o := range m.Orders {
		g := make([]int, len(o.Lists))
		for j, l := range o.Lists {
			g[j] = l.GNum
		}
		checkSequence(add, fmt.Sprintf("CEB303Message/Order[%d]/OrderList", i+1), "gnum", g)
	}
}

func (m *CEB509Message) check(add func(path, msg string)) {
	for i, d := range m.Departures {
		p := fmt.Sprintf("CEB509Message/Departure[%d]", i+1)
		if d.Head.MsgSeqNo > d.Head.MsgCount {
			add(p+"/DepartureHead/msgSeqNo", fmt.Sprintf("must not exceed msgCount %d, got %d", d.Head.MsgCount, d.Head.MsgSeqNo))
		}
		g := make([]int, len(d.Lists))
		for j, l := range d.Lists {
			g[j] = l.GNum
		}
		checkSequence(add, p+"/DepartureList", "gnum", g)
	}
}

// bondedTradeModes need the zone warehouse firm, the bonded account book and item records
// ("特殊区域模式必填", "保税出口模式必填" in the schema annotations).
var bondedTradeModes = map[string]bool{"1210": true, "1239": true}

func (m *CEB603Message) check(add func(path, msg string)) {
	for i, inv := range m.Inventories {
		p := fmt.Sprintf("CEB603Message/Inventory[%d]", i+1)
		h := inv.Head
		if bondedTradeModes[h.TradeMode] {
			for _, f := range []struct{ name, v string }{{"iacCode", h.IacCode}, {"iacName", h.IacName}, {"emsNo", h.EmsNo}} {
				if f.v == "" {
					add(p+"/InventoryHead/"+f.name, "required for bonded trade mode "+h.TradeMode)
				}
			}
			for j, l := range inv.Lists {
				if l.ItemRecordNo == "" {
					add(fmt.Sprintf("%s/InventoryList[%d]/itemRecordNo", p, j+1), "required for bonded trade mode "+h.TradeMode)
				}
			}
		}
		g := make([]int, len(inv.Lists))
		for j, l := range inv.Lists {
			g[j] = l.GNum
		}
		checkSequence(add, p+"/InventoryList", "gnum", g)
	}
}

func (m *CEB701Message) check(add func(path, msg string)) {
	for i, s := range m.SummaryApplies {
		p := fmt.Sprintf("CEB701Message/SummaryApply[%d]", i+1)
		h := s.Head
		switch {
		case (h.StartTime == "") != (h.EndTime == ""):
			add(p+"/SummaryApplyHead/endTime", "startTime and endTime go in pairs")
		case h.StartTime != "" && h.EndTime < h.StartTime:
			add(p+"/SummaryApplyHead/endTime", "must not be before startTime")
		case h.StartTime == "" && len(s.Lists) == 0:
			add(p+"/SummaryApplyList", "give the inventory lists or a startTime/endTime range")
		}
		if h.MsgSeqNo > h.MsgCount {
			add(p+"/SummaryApplyHead/msgSeqNo", fmt.Sprintf("must not exceed msgCount %d, got %d", h.MsgCount, h.MsgSeqNo))
		}
	}
}

func (m *DecMessage) check(add func(path, msg string)) {
	g := make([]int, len(m.DecLists.DecList))
	for j, l := range m.DecLists.DecList {
		g[j] = l.GNo
	}
	checkSequence(add, "DecMessage/DecLists/DecList", "GNo", g)
}
