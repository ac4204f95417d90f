package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// decodeJSON reads the request body into dst strictly: unknown fields, wrong types, trailing
// data and malformed JSON are 400 problems naming the field where there is one.
func decodeJSON(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return &badRequest{code: "body_required", message: "the request needs a JSON body"}
	}
	if ct := c.Get(fiber.HeaderContentType); ct != "" && !strings.HasPrefix(ct, fiber.MIMEApplicationJSON) {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send the body as application/json")
	}
	return decodeStrict(body, dst)
}

// decodeStrict decodes one JSON value, refusing unknown fields and trailing data.
func decodeStrict(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err, data)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequest{code: "malformed_json", message: "the body holds more than one JSON value"}
	}
	return nil
}

func jsonProblem(err error, data []byte) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return &badRequest{code: "malformed_json", message: fmt.Sprintf("malformed JSON at byte %d: %v", syntax.Offset, syntax)}
	case errors.As(err, &typeErr):
		field := typeErr.Field
		return &badRequest{code: "invalid_type", field: field,
			message: fmt.Sprintf("%s must be %s, not %s", orBody(field), jsonType(typeErr.Type.Kind().String()), typeErr.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &badRequest{code: "unknown_field", field: field, message: fmt.Sprintf("unknown field %q", field)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &badRequest{code: "malformed_json", message: "the JSON body ends too early"}
	}
	var de *domain.Error
	if errors.As(err, &de) {
		// A value type refused its text (a decimal with five places, say); encoding/json does not
		// say where, so look for the value in the document.
		return &badRequest{code: de.Code, field: locateBadDecimal(data), message: de.Message}
	}
	return &badRequest{code: "malformed_json", message: err.Error()}
}

// locateBadDecimal finds the path of the first decimal-valued field ("items[1].price") whose
// value code.Decimal refuses, or "" when there is none.
func locateBadDecimal(data []byte) string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return ""
	}
	return findBadDecimal(doc, "")
}

func findBadDecimal(v any, path string) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if decimalFields[k] {
				raw, _ := json.Marshal(v[k]) // json.Number marshals as the number it holds
				var d code.Decimal
				if d.UnmarshalJSON(raw) != nil {
					return domain.JoinPath(path, k)
				}
				continue
			}
			if p := findBadDecimal(v[k], domain.JoinPath(path, k)); p != "" {
				return p
			}
		}
	case []any:
		for i, x := range v {
			if p := findBadDecimal(x, domain.JoinPath(path, "["+strconv.Itoa(i)+"]")); p != "" {
				return p
			}
		}
	}
	return ""
}

// decimalFields are the JSON names of the API's decimal values.
var decimalFields = map[string]bool{
	"qty": true, "price": true, "totalPrice": true, "grossWeightKg": true, "netWeightKg": true,
	"freight": true, "insuredFee": true, // parcels
	"gQty": true, "firstQty": true, "secondQty": true, "declPrice": true, "declTotal": true,
	"grossWet": true, "netWt": true, "feeRate": true, "insurRate": true, // entry declarations
}

func orBody(field string) string {
	if field == "" {
		return "the body"
	}
	return field
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "a number"
}
