; C++: what Cellscope labels (see c.scm).
(if_statement) @if
(comment) @comment
[(string_literal) (raw_string_literal) (char_literal) (system_lib_string)] @string
[(compound_statement) (field_declaration_list)] @block
