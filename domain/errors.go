// Package domain holds Silkgate's business model: the aggregates, value objects, rules and state
// machines of cross-border e-commerce, customs filings and rail freight. It imports only the
// standard library; every technology lives in adapters/.
package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind classifies an Error so that every adapter can map it once (HTTP status, retry policy).
type Kind string

// The kinds of error the service distinguishes. Nothing else may be used as a Kind.
const (
	KindInvalid            Kind = "invalid"             // input breaks a rule: 422
	KindNotFound           Kind = "not_found"           // missing, or not visible to the caller: 404
	KindConflict           Kind = "conflict"            // clashes with existing state: 409
	KindUnauthorized       Kind = "unauthorized"        // no or unknown credentials: 401
	KindForbidden          Kind = "forbidden"           // visible but not allowed: 403
	KindFailedPrecondition Kind = "failed_precondition" // the state does not allow it now: 409
	KindInternal           Kind = "internal"            // a fault of ours; never shown: 500
)

// Code is an error's stable snake_case identifier ("invalid_uscc", "departure_full") that
// clients may rely on. The codes the service itself decides on are declared in codes.go, each
// with a sentinel for errors.Is; the others are named where they are raised.
type Code string

// FieldError names one offending input field. Field is a JSON path such as "uscc" or
// "parcels[3].items[0].gcode".
type FieldError struct {
	Field   string `json:"field"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// Error is the one error type of the service. Code is a stable snake_case slug clients may rely on.
type Error struct {
	Kind    Kind
	Code    Code
	Message string
	Fields  []FieldError
	cause   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.cause != nil {
		b.WriteString(": ")
		b.WriteString(e.cause.Error())
	}
	return b.String()
}

// Is lets errors.Is match an error by its code: errors.Is(err, domain.ErrIllegalTransition).
// A sentinel without a kind matches every kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Kind == "" || t.Kind == e.Kind)
}

// Unwrap exposes the underlying cause of an internal error to errors.Is / errors.As.
func (e *Error) Unwrap() error { return e.cause }

// Errorf builds an Error of the given kind and code.
func Errorf(kind Kind, code Code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound is the error for something that does not exist or that the caller may not see; the two
// are deliberately indistinguishable.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: Code(what + "_not_found"), Message: what + " not found"}
}

// Internal wraps an unexpected failure; its message is logged, never shown to a client.
func Internal(cause error, format string, args ...any) *Error {
	return &Error{Kind: KindInternal, Code: CodeInternal, Message: fmt.Sprintf(format, args...), cause: cause}
}

// InvalidField is an Invalid error about one field.
func InvalidField(field string, code Code, message string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Message: message,
		Fields: []FieldError{{Field: field, Code: code, Message: message}}}
}

// WithField names the field an error is about (any kind), with the error's own code and message.
func (e *Error) WithField(field string) *Error {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: e.Code, Message: e.Message})
	return e
}

// KindOf reports the kind of err: an *Error's own kind, Internal for anything else.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// CodeOf reports the code of err, CodeInternal when it is not an *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Violations collects field errors while a whole input is checked, so that a client learns of
// every problem at once rather than one per request.
type Violations struct {
	fields []FieldError
}

// Add records a problem with field.
func (v *Violations) Add(field string, code Code, message string) {
	v.fields = append(v.fields, FieldError{Field: field, Code: code, Message: message})
}

// AddError records err against field: an Invalid *Error keeps its own field errors, prefixed
// with field; any other error is recorded with the code "invalid".
func (v *Violations) AddError(field string, err error) {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindInvalid && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			v.fields = append(v.fields, FieldError{Field: JoinPath(field, f.Field), Code: f.Code, Message: f.Message})
		}
		return
	}
	if errors.As(err, &e) {
		v.Add(field, e.Code, e.Message)
		return
	}
	v.Add(field, "invalid", err.Error())
}

// CheckText records "required" for an empty s when required, "too_long" for more than max
// characters (runes: Chinese names count one each), "invalid_character" for a character XML
// cannot carry (XMLText), and reports whether s passed.
func (v *Violations) CheckText(field, s string, required bool, max int) bool {
	switch {
	case s == "" && required:
		v.Add(field, "required", field+" is required")
		return false
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "too_long", field+" has at most "+strconv.Itoa(max)+" characters")
		return false
	case !XMLText(s):
		v.Add(field, "invalid_character", field+" holds a character no customs message can carry (a control character, "+
			"U+FFFE or U+FFFF) / 含有无法申报的控制字符")
		return false
	}
	return true
}

// XMLText reports whether s holds only characters XML 1.0 can carry: every text the service
// stores may end up in a CEB message or a PDF, so a control character (other than tab, line
// feed and carriage return), U+FFFE, U+FFFF or invalid UTF-8 is refused where it comes in
// rather than failing the filing later.
func XMLText(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			return false // invalid UTF-8 (a literal U+FFFD is refused too: nothing needs it)
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r':
			return false
		case r == 0xFFFE || r == 0xFFFF:
			return false
		}
	}
	return true
}

// Empty reports whether nothing was recorded.
func (v *Violations) Empty() bool { return len(v.fields) == 0 }

// Fields returns the recorded field errors.
func (v *Violations) Fields() []FieldError { return v.fields }

// Err returns nil when nothing was recorded, else one Invalid error carrying every field error;
// its code is that of the first problem so that single-problem inputs read naturally.
func (v *Violations) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Code: v.fields[0].Code, Message: v.fields[0].Message, Fields: v.fields}
}

// JoinPath joins JSON path segments: JoinPath("items[0]", "gcode") = "items[0].gcode"; an
// empty side is left out, and an index segment ("[2]") is glued on without a dot.
func JoinPath(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	case strings.HasPrefix(field, "["):
		return prefix + field
	default:
		return prefix + "." + field
	}
}
