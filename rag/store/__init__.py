"""Where passages, their lexical and vector indexes and their facts are kept.

``protocols`` says what retrieval and answering may ask of a store; a backend
(the local folder, Milvus) implements those protocols and nothing above the
store reaches past them.
"""
