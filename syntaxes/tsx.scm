; TSX: what Cellscope labels (see c.scm).
(if_statement) @if
(comment) @comment
[(string) (template_string) (regex)] @string
[(statement_block) (class_body) (object) (interface_body) (object_type) (enum_body)] @block
