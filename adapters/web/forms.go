package web

import (
	"errors"

	"github.com/silkgate/silkgate/domain"
)

// form is what a page's form shows again after a refused post: the values sent (never a
// password) and the problems, by field, in the page's language.
type form struct {
	Values  map[string]string
	ByField map[string]string
	All     []string // the summary's lines, in field order
	Done    string   // a success message
}

// Value is what was sent for field.
func (f *form) Value(field string) string {
	if f == nil {
		return ""
	}
	return f.Values[field]
}

// Has reports whether field has a problem.
func (f *form) Has(field string) bool {
	if f == nil {
		return false
	}
	_, ok := f.ByField[field]
	return ok
}

// Of is field's problem.
func (f *form) Of(field string) string {
	if f == nil {
		return ""
	}
	return f.ByField[field]
}

// refused reports whether err is a refusal a form shows (an input that breaks a rule, a
// conflict, a refused sign-in) and fills in the form's problems from it.
func (r *req) refused(f *form, err error) bool {
	var de *domain.Error
	if !errors.As(err, &de) {
		return false
	}
	switch de.Kind {
	case domain.KindInvalid, domain.KindConflict:
	case domain.KindUnauthorized:
		if de.Code != "bad_credentials" && de.Code != "too_many_attempts" {
			return false
		}
	default:
		return false
	}
	if f.ByField == nil {
		f.ByField = map[string]string{}
	}
	if len(de.Fields) == 0 {
		f.All = append(f.All, errorText(r.lang, string(de.Code)))
		return true
	}
	for _, fe := range de.Fields {
		text := fieldErrorText(r.lang, fe.Field, string(fe.Code))
		if _, seen := f.ByField[fe.Field]; !seen {
			f.ByField[fe.Field] = text
			f.All = append(f.All, text)
		}
	}
	return true
}
