package passwordsafetest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// Scrubbing Secrets Safe: the Text field of text secrets is scrubbed as a
// secret field (secretKeyKind); a file secret's content, downloaded or
// uploaded, is replaced whole.

// isFileDownload reports GET Secrets-Safe/Secrets/{id}/file/download.
func isFileDownload(path string) bool {
	return strings.HasSuffix(strings.ToLower(strings.TrimSuffix(path, "/")), "/file/download")
}

func isMultipart(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && strings.HasPrefix(mt, "multipart/")
}

// multipart scrubs a multipart body part by part, with its boundary: a
// JSON part as any JSON body, a file part's content whole. What does not
// read as multipart is replaced whole.
func (s *scrubber) multipart(body []byte, contentType string) string {
	_, params, _ := mime.ParseMediaType(contentType)
	boundary := params["boundary"]
	var out bytes.Buffer
	mw := multipart.NewWriter(&out)
	if boundary == "" || mw.SetBoundary(boundary) != nil {
		return s.placeholder(kindFile, string(body))
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.placeholder(kindFile, string(body))
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return s.placeholder(kindFile, string(body))
		}
		switch {
		case p.FileName() != "" || p.FormName() == "file":
			b = []byte(s.placeholder(kindFile, string(b)))
		case isJSON(b):
			b = s.json(b, "")
		}
		h := textproto.MIMEHeader{}
		for k, vs := range p.Header {
			h[k] = vs
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			return s.placeholder(kindFile, string(body))
		}
		_, _ = w.Write(b)
	}
	_ = mw.Close()
	return out.String()
}

func isJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[') && json.Valid(b)
}
