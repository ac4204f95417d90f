package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
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
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequest{code: "malformed_json", message: "the body holds more than one JSON value"}
	}
	return nil
}

func jsonProblem(err error) error {
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
	var fieldErr interface{ FieldName() string }
	if errors.As(err, &fieldErr) {
		return &badRequest{code: "invalid_value", field: fieldErr.FieldName(), message: err.Error()}
	}
	return &badRequest{code: "malformed_json", message: err.Error()}
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
