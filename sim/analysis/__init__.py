"""Which signals sway the committee, and does it decide well? (analysis layer)"""
