package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// Every answer the component tests receive through service.do is checked against the OpenAPI
// document the service publishes (adapters/http/openapi.yaml): its status must be documented for
// the operation, its content type must be one the document gives for that status, and a JSON body
// (problem documents included) must match the schema. Bodies that are not JSON (PDF, XML, the
// YAML document itself, metrics) are checked for status and content type only.

const specFile = "adapters/http/openapi.yaml"

var (
	specOnce   sync.Once
	specDoc    *openapi3.T
	specRouter routers.Router
	specErr    error
)

func loadSpec() (*openapi3.T, routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(specFile)
		if err != nil {
			specErr = fmt.Errorf("%s does not load: %w", specFile, err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			specErr = fmt.Errorf("%s is not a valid OpenAPI document: %w", specFile, err)
			return
		}
		// Match paths whatever host and port the test's service listens on.
		doc.Servers = nil
		r, err := legacy.NewRouter(doc)
		if err != nil {
			specErr = fmt.Errorf("%s: %w", specFile, err)
			return
		}
		specDoc, specRouter = doc, r
	})
	return specDoc, specRouter, specErr
}

// checkAgainstSpec returns what in the answer to req the OpenAPI document does not allow, or
// nil. The message names the request, the documented route, the status and the failing field.
func checkAgainstSpec(req *http.Request, status int, header http.Header, body []byte) error {
	doc, router, err := loadSpec()
	if err != nil {
		return err
	}
	ct := header.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(ct)
	isJSON := mediaType == "application/json" || strings.HasSuffix(mediaType, "+json")
	what := fmt.Sprintf("%s %s answered %d %s", req.Method, req.URL.RequestURI(), status, ct)

	route, params, err := router.FindRoute(req)
	if err != nil {
		// Not a documented route (or method): the answer must be a problem document.
		if status < 400 || mediaType != "application/problem+json" {
			return fmt.Errorf("%s, but openapi.yaml documents no such operation (%v)", what, err)
		}
		problem := doc.Components.Schemas["Problem"]
		if problem == nil || problem.Value == nil {
			return errors.New("openapi.yaml has no components.schemas.Problem")
		}
		value, err := decodeJSON(body)
		if err == nil {
			err = problem.Value.VisitJSON(value, openapi3.MultiErrors(), openapi3.VisitAsResponse())
		}
		if err != nil {
			return fmt.Errorf("%s (an undocumented route), whose problem document does not match Problem:\n%v\nbody: %.500s", what, err, body)
		}
		return nil
	}
	where := fmt.Sprintf("%s (openapi.yaml: %s %s)", what, route.Method, route.Path)

	responses := route.Operation.Responses
	ref := responses.Status(status)
	if ref == nil {
		ref = responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("%s: status %d is not documented for this operation", where, status)
	}
	if len(ref.Value.Content) > 0 && ref.Value.Content.Get(ct) == nil {
		var documented []string
		for k := range ref.Value.Content {
			documented = append(documented, k)
		}
		return fmt.Errorf("%s: content type %q is not documented for status %d (documented: %s)", where, ct, status, strings.Join(documented, ", "))
	}
	if len(ref.Value.Content) == 0 && len(body) > 0 && status != http.StatusNoContent && isJSON {
		return fmt.Errorf("%s: status %d is documented without a body, but one came: %.300s", where, status, body)
	}

	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
			ExcludeResponseBody:   !isJSON,
		},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("%s, which openapi.yaml does not allow:\n%v\nbody: %.800s", where, describeSpecError(err), body)
	}
	return nil
}

func decodeJSON(body []byte) (any, error) {
	return openapi3filter.JSONBodyDecoder(bytes.NewReader(body), nil, nil, nil)
}

// describeSpecError lists each schema failure on a line of its own, with the JSON pointer of
// the field.
func describeSpecError(err error) string {
	var lines []string
	var walk func(error)
	walk = func(err error) {
		var multi openapi3.MultiError
		var re *openapi3filter.ResponseError
		var se *openapi3.SchemaError
		switch {
		case errors.As(err, &multi):
			for _, e := range multi {
				walk(e)
			}
		case errors.As(err, &re) && re.Err != nil:
			lines = append(lines, re.Reason+":")
			walk(re.Err)
		case errors.As(err, &se):
			field := "/" + strings.Join(se.JSONPointer(), "/")
			lines = append(lines, fmt.Sprintf("  field %s: %s", field, se.Reason))
		default:
			lines = append(lines, "  "+err.Error())
		}
	}
	walk(err)
	return strings.Join(lines, "\n")
}
