package passwordsafetest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Secrets Safe folders and safes. A safe is the top of a folder tree; its
// name is the first part of every path below it.

// folderJSON is a folder as the server writes it (the guide's shape:
// "Secrets Safe APIs", https://docs.beyondtrust.com/bips/docs/secrets-safe-apis).
type folderJSON struct {
	ID          string  `json:"Id"`
	Name        string  `json:"Name"`
	Description *string `json:"Description"`
	ParentID    *string `json:"ParentId"`
	UserGroupID *int    `json:"UserGroupId"`
}

func folderOut(f *ssFolder) folderJSON {
	out := folderJSON{ID: f.id, Name: f.name, Description: nullString(f.description), UserGroupID: nullInt(f.userGroupID)}
	if f.parent != nil {
		out.ParentID = &f.parent.id
	}
	return out
}

// safeJSON is a safe as the fake writes it (the reference shows the
// request, Name and Description, not the answer).
type safeJSON struct {
	ID          string  `json:"Id"`
	Name        string  `json:"Name"`
	Description *string `json:"Description"`
}

func safeOut(f *ssFolder) safeJSON {
	return safeJSON{ID: f.id, Name: f.name, Description: nullString(f.description)}
}

// listFolders answers the folders (not the safes) the caller may see:
// folderName matches names that contain it, folderPath the folder at that
// path ("/"-joined) and, unless includeSubfolders=false, those below it,
// both without regard to case; rootOnly keeps the folders right in a safe;
// folderOwnerId those the user created; limit (default 1000) and offset
// page them. A bare list at every version (the reference shows no wrapper
// for folders).
//
// API: GET Secrets-Safe/Folders?folderName=&folderPath=&includeSubfolders=&rootOnly=&folderOwnerId=&limit=&offset=
// Guide: "Secrets Safe APIs", https://docs.beyondtrust.com/bips/docs/secrets-safe-apis
func (s *Server) listFolders(c *call) reply {
	if rep, ok := needSecrets(c, secretsRead); !ok {
		return rep
	}
	name, _ := c.query("folderName")
	path, _ := c.query("folderPath")
	path = strings.Trim(path, "/")
	subfolders, rootOnly := true, false
	for p, v := range map[string]*bool{"includeSubfolders": &subfolders, "rootOnly": &rootOnly} {
		if q, ok := c.query(p); ok && q != "" {
			b, err := strconv.ParseBool(q)
			if err != nil {
				return badRequest(p + " must be true or false.")
			}
			*v = b
		}
	}
	owner, msg := intParam(c, "folderOwnerId", 1)
	if msg != "" {
		return badRequest(msg)
	}
	limit, offset, rep, ok := pageParams(c)
	if !ok {
		return rep
	}
	var found []*ssFolder
	for _, f := range s.ss.folders {
		fp := f.path()
		switch {
		case f.safe, !sees(c.user, f),
			name != "" && !strings.Contains(strings.ToLower(f.name), strings.ToLower(name)),
			path != "" && !strings.EqualFold(fp, path) && !(subfolders && hasPrefixFold(fp, path+"/")),
			rootOnly && !f.parent.safe,
			owner != 0 && (f.owner == nil || f.owner.id != owner):
			continue
		}
		found = append(found, f)
	}
	total := len(found)
	out := make([]folderJSON, 0, len(found))
	for _, f := range found[min(offset, total):min(offset+limit, total)] {
		out = append(out, folderOut(f))
	}
	return jsonReply(http.StatusOK, out)
}

// folderOnly finds the folder of the path, as the caller may see it; a
// safe's ID answers 404 here as an unknown one does.
func (s *Server) folderOnly(c *call, level int) (*ssFolder, reply, bool) {
	if rep, ok := needSecrets(c, level); !ok {
		return nil, rep, false
	}
	f, rep, ok := s.folderParam(c, 0)
	if ok && f.safe {
		return nil, notFound("Folder " + f.id + " was not found."), false
	}
	return f, rep, ok
}

// getFolder answers a folder by ID.
//
// API: GET Secrets-Safe/Folders/{folderId}
// Reference: "Get folder by ID",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-folders-folderid
func (s *Server) getFolder(c *call) reply {
	f, rep, ok := s.folderOnly(c, secretsRead)
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, folderOut(f))
}

// nameIn is the body of the folder and safe calls that name one.
type nameIn struct {
	Name        *string
	Description *string
	ParentID    *string `json:"ParentId"`
	UserGroupID *int    `json:"UserGroupId"`
}

// readName reads the body of a folder or safe call, and checks its Name
// (1–256 characters) and Description (≤ 256), the reference's limits.
func readName(c *call) (*nameIn, reply, bool) {
	in := &nameIn{}
	if rep, ok := decodeBody(c, in, false); !ok {
		return nil, rep, false
	}
	if n := utf8.RuneCountInString(str(in.Name)); n < 1 || n > 256 {
		return nil, badRequest("Name is required and must be 1 to 256 characters."), false
	}
	if utf8.RuneCountInString(str(in.Description)) > 256 {
		return nil, badRequest("Description must be at most 256 characters."), false
	}
	return in, reply{}, true
}

// nameTaken reports a sibling of name in parent (nil: among the safes).
func (s *Server) nameTaken(parent *ssFolder, name string, except *ssFolder) bool {
	for _, f := range s.ss.folders {
		if f.parent == parent && f != except && strings.EqualFold(f.name, name) {
			return true
		}
	}
	return false
}

// createFolder creates a folder in the folder or safe ParentId names
// (required here: the reference marks it optional, for the root folders
// of servers before safes): 201 with the folder; 409 when the parent holds
// the name already.
//
// API: POST Secrets-Safe/Folders
// Reference: "Create folder",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-folders
func (s *Server) createFolder(c *call) reply {
	if rep, ok := needSecrets(c, secretsWrite); !ok {
		return rep
	}
	in, rep, ok := readName(c)
	if !ok {
		return rep
	}
	if in.ParentID == nil || !isGUID(*in.ParentID) {
		return badRequest("ParentId must name the folder or safe to create the folder in.")
	}
	parent := s.visibleFolder(c, *in.ParentID)
	if parent == nil {
		return notFound("Folder " + *in.ParentID + " was not found.")
	}
	if s.nameTaken(parent, *in.Name, nil) {
		return errorReply(http.StatusConflict, "The folder "+parent.path()+" already holds "+strconv.Quote(*in.Name)+".")
	}
	f := &ssFolder{id: s.ss.newID(prefixFolder), name: *in.Name, description: str(in.Description), parent: parent,
		owner: c.user, created: c.now}
	if in.UserGroupID != nil {
		f.userGroupID = *in.UserGroupID
	}
	s.ss.folders = append(s.ss.folders, f)
	return jsonReply(http.StatusCreated, folderOut(f))
}

// updateFolder renames a folder and sets its description (null clears
// it, as the reference says): 200 with the folder (the reference names
// no status); 409 when a sibling has the name.
//
// API: PUT Secrets-Safe/Folders/{folderId}
// Reference: "Update folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-folders-folderid
func (s *Server) updateFolder(c *call) reply {
	f, rep, ok := s.folderOnly(c, secretsWrite)
	if !ok {
		return rep
	}
	in, rep, ok := readName(c)
	if !ok {
		return rep
	}
	if s.nameTaken(f.parent, *in.Name, f) {
		return errorReply(http.StatusConflict, "The folder "+f.parent.path()+" already holds "+strconv.Quote(*in.Name)+".")
	}
	f.name, f.description = *in.Name, str(in.Description)
	return jsonReply(http.StatusOK, folderOut(f))
}

// moveFolder moves a folder, with what it holds, into another folder or
// safe (not into itself: 400). A name taken there stops it (Stop: 409),
// takes "name (n)" (Rename) or leaves it where it is (Skip). 200 with the
// folder.
//
// API: PUT Secrets-Safe/Folders/{folderId}/move
// Reference: "Move folder",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-folders-folderid-move
func (s *Server) moveFolder(c *call) reply {
	f, rep, ok := s.folderOnly(c, secretsWrite)
	if !ok {
		return rep
	}
	_, dest, action, rep, ok := s.readMove(c)
	if !ok {
		return rep
	}
	if dest.within(f) {
		return badRequest("A folder cannot move into itself or a folder below it.")
	}
	if dest == f.parent {
		return jsonReply(http.StatusOK, folderOut(f))
	}
	if s.nameTaken(dest, f.name, f) {
		switch action {
		case "stop":
			return errorReply(http.StatusConflict, "The folder "+dest.path()+" already holds "+strconv.Quote(f.name)+".")
		case "skip":
			return jsonReply(http.StatusOK, folderOut(f))
		}
		name := f.name
		for n := 1; s.nameTaken(dest, name, f); n++ {
			name = f.name + " (" + strconv.Itoa(n) + ")"
		}
		f.name = name
	}
	f.parent = dest
	return jsonReply(http.StatusOK, folderOut(f))
}

// deleteFolder deletes a folder with the folders and secrets below it,
// and the shares into them: 204.
//
// API: DELETE Secrets-Safe/Folders/{folderId}
// Reference: "Delete folder by ID",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-folders-folderid
func (s *Server) deleteFolder(c *call) reply {
	f, rep, ok := s.folderOnly(c, secretsWrite)
	if !ok {
		return rep
	}
	s.removeTree(f)
	return noContent()
}

// removeTree deletes f, what is below it, and the shares into it.
func (s *Server) removeTree(f *ssFolder) {
	s.removeSecrets(func(sec *ssSecret) bool { return sec.folder.within(f) })
	s.removeShares(func(sh *ssShare) bool { return sh.folder.within(f) })
	s.ss.folders = slices.DeleteFunc(s.ss.folders, func(x *ssFolder) bool { return x.within(f) })
}

// listSafes answers the safes the caller may use.
//
// API: GET Secrets-Safe/Safes
// Reference: "Get all safes accessible to current user",
// https://docs.beyondtrust.com/bips/reference/get-api-public-v3-secrets-safe-safes
func (s *Server) listSafes(c *call) reply {
	if rep, ok := needSecrets(c, secretsRead); !ok {
		return rep
	}
	out := []safeJSON{}
	for _, f := range s.ss.folders {
		if f.safe && sees(c.user, f) {
			out = append(out, safeOut(f))
		}
	}
	return jsonReply(http.StatusOK, out)
}

// safeOnly finds the safe of the path, as the caller may use it.
func (s *Server) safeOnly(c *call, level int) (*ssFolder, reply, bool) {
	if rep, ok := needSecrets(c, level); !ok {
		return nil, rep, false
	}
	f := s.visibleFolder(c, c.params[0])
	if f == nil || !f.safe {
		return nil, notFound("Safe " + c.params[0] + " was not found."), false
	}
	return f, reply{}, true
}

// getSafe answers a safe by ID.
//
// API: GET Secrets-Safe/Safes/{id}
// Reference: the Safes pages, https://docs.beyondtrust.com/bips/reference/secrets-safe-safes
func (s *Server) getSafe(c *call) reply {
	f, rep, ok := s.safeOnly(c, secretsRead)
	if !ok {
		return rep
	}
	return jsonReply(http.StatusOK, safeOut(f))
}

// createSafe creates a safe, which its creator (and the Administrators)
// may use: 201 with the safe; 409 when the name is taken.
//
// API: POST Secrets-Safe/Safes
// Reference: "Create safe",
// https://docs.beyondtrust.com/bips/reference/post-api-public-v3-secrets-safe-safes
func (s *Server) createSafe(c *call) reply {
	if rep, ok := needSecrets(c, secretsFull); !ok {
		return rep
	}
	in, rep, ok := readName(c)
	if !ok {
		return rep
	}
	if strings.Contains(*in.Name, "/") {
		return badRequest("A safe's name cannot hold '/'.")
	}
	if s.nameTaken(nil, *in.Name, nil) {
		return errorReply(http.StatusConflict, "A safe named "+strconv.Quote(*in.Name)+" exists already.")
	}
	f := &ssFolder{id: s.ss.newID(prefixSafe), name: *in.Name, description: str(in.Description), safe: true,
		members: []*user{c.user}, owner: c.user, created: c.now}
	s.ss.folders = append(s.ss.folders, f)
	return jsonReply(http.StatusCreated, safeOut(f))
}

// updateSafe renames a safe and sets its description: 204; 409 when the
// name is taken.
//
// API: PUT Secrets-Safe/Safes/{id}
// Reference: "Update safe by ID",
// https://docs.beyondtrust.com/bips/reference/put-api-public-v3-secrets-safe-safes-id
func (s *Server) updateSafe(c *call) reply {
	f, rep, ok := s.safeOnly(c, secretsManage)
	if !ok {
		return rep
	}
	in, rep, ok := readName(c)
	if !ok {
		return rep
	}
	if s.nameTaken(nil, *in.Name, f) || strings.Contains(*in.Name, "/") {
		return errorReply(http.StatusConflict, "A safe named "+strconv.Quote(*in.Name)+" exists already, or the name holds '/'.")
	}
	f.name, f.description = *in.Name, str(in.Description)
	return noContent()
}

// deleteSafe deletes a safe with everything in it: 204.
//
// API: DELETE Secrets-Safe/Safes/{id}
// Reference: "Delete safe by ID",
// https://docs.beyondtrust.com/bips/reference/delete-api-public-v3-secrets-safe-safes-id
func (s *Server) deleteSafe(c *call) reply {
	f, rep, ok := s.safeOnly(c, secretsFull)
	if !ok {
		return rep
	}
	s.removeTree(f)
	return noContent()
}
