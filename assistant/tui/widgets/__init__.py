"""Widgets of the chat screen: chat pane and the side-panel tabs."""
