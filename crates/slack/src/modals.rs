//! The modals task-card buttons open: one text field, and the task in
//! `private_metadata` so the submission knows what it is about.

use slack_morphism::prelude::{
    SlackActionId, SlackBlockId, SlackBlockPlainTextInputElement, SlackBlockPlainTextOnly, SlackCallbackId,
    SlackInputBlock, SlackInputBlockElement, SlackModalView, SlackView,
};

use planbot_domain::plan::TaskId;

/// The input's `block_id`; submissions read the text under it.
pub const TEXT_BLOCK: &str = "text";

/// What the modal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    BlockReason,
    Note,
}

impl Ask {
    pub const fn callback_id(self) -> &'static str {
        match self {
            Ask::BlockReason => "task_block",
            Ask::Note => "task_note",
        }
    }

    pub fn from_callback_id(id: &str) -> Option<Ask> {
        [Ask::BlockReason, Ask::Note].into_iter().find(|ask| ask.callback_id() == id)
    }
}

pub fn text_modal(ask: Ask, task: &TaskId) -> SlackView {
    let (title, label) = match ask {
        // Modal titles hold 24 characters at most.
        Ask::BlockReason => ("Block task", format!("Why is {task} blocked?")),
        Ask::Note => ("Add a note", format!("Note on {task}")),
    };
    let input =
        SlackBlockPlainTextInputElement::new().with_action_id(SlackActionId("value".into())).with_multiline(true);
    let block = SlackInputBlock::new(
        SlackBlockPlainTextOnly::from(label.as_str()),
        SlackInputBlockElement::PlainTextInput(input),
    )
    .with_block_id(SlackBlockId(TEXT_BLOCK.into()));
    SlackView::Modal(
        SlackModalView::new(SlackBlockPlainTextOnly::from(title), vec![block.into()])
            .with_submit(SlackBlockPlainTextOnly::from("Save"))
            .with_close(SlackBlockPlainTextOnly::from("Cancel"))
            .with_callback_id(SlackCallbackId(ask.callback_id().into()))
            .with_private_metadata(task.to_string()),
    )
}
